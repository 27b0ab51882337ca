"""Axe-core for the browser journeys: every page a journey visits is checked against
WCAG 2.1 A and AA.

The browser itself (Debian's chromium through Playwright, never a downloaded one) and the
`page` fixture on the live server come from the project's plugin lueckenlos.lib.testing.browser.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[dict]:
    """Run axe-core on the current page; return the WCAG 2.1 A/AA violations.

    Evaluated through the devtools protocol rather than added as a <script>: the pages'
    Content-Security-Policy rightly refuses inline scripts.
    """
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]},
    )
    return result["violations"]


def describe(violations: list[dict]) -> str:
    """The violations as text a failing assertion can show."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {json.dumps(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)


@pytest.fixture
def assert_accessible() -> Callable:
    def check(page) -> None:
        violations = axe_violations(page)
        assert not violations, f"axe found WCAG 2.1 AA violations on {page.url}:\n" + describe(
            violations
        )

    return check
