"""The receive benchmark reports what does not depend on the machine's load: SQL statements
and CPU time per call, next to the rate."""

import pytest

from bench import receive
from guichet.models import Ticket

pytestmark = pytest.mark.bench


@pytest.mark.django_db(transaction=True)
def test_receive_bench_reports_statements_and_cpu_per_call(tmp_path):
    result = receive.main(["--seconds", "1", "--workers", "2", "--threads", "--results-dir",
                           str(tmp_path)])
    assert set(result["statements_per_call"]) == set(receive.CHANNELS)
    assert all(0 < count < 40 for count in result["statements_per_call"].values())
    assert result["cpu_ms_per_call"] > 0
    backend = result["backend_cpu_ms_per_call"]
    assert backend is None or backend >= 0
    assert Ticket.objects.count() == 0  # warm-up tickets are cleaned up too
