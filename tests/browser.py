"""Headless Chromium for page tests: Debian's chromium driven by Playwright, never a download.

`audit(page)` runs axe-core (from the npm registry, node_modules/axe-core) against WCAG 2.1
A/AA rules and returns the violations, so a test can assert there are none.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True, "locale": "fr-FR"}
LAPTOP = {"viewport": {"width": 1366, "height": 800}, "locale": "fr-FR"}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def chromium_path() -> str | None:
    configured = os.environ.get("MDS_CHROMIUM")
    if configured:
        return configured
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def require_browser_tools() -> None:
    """Skip locally when Chromium or axe-core is missing; fail in CI, where they must exist."""
    missing = []
    if not chromium_path():
        missing.append("Chromium (apt-get install chromium)")
    if not AXE_PATH.exists():
        missing.append("axe-core (npm install)")
    if missing:
        reason = "browser tests need " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


def audit(page, *, exclude_rules: tuple[str, ...] = ()) -> list[dict]:
    """axe-core violations on the current page (WCAG 2.1 AA), as readable dicts."""
    page.add_script_tag(path=str(AXE_PATH))
    result = page.evaluate(
        """async ([tags, disabled]) => {
            const rules = Object.fromEntries(disabled.map(id => [id, {enabled: false}]));
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, rules});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }""",
        [WCAG_TAGS, list(exclude_rules)],
    )
    return result


def format_violations(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes']}" for v in violations)
