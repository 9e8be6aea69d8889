"""The bench smoke tests: each script runs at a tiny size and reports numbers."""


def pytest_configure(config):
    config.addinivalue_line("markers", "bench: runs a bench/ script at a tiny size (smoke test)")
