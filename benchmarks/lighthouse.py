"""Lighthouse performance and accessibility scores of the start, results and offer pages.

    .venv/bin/python benchmarks/lighthouse.py --base-url http://127.0.0.1:8000 \\
        [--kommune SLUG] [--query "q=Krabbelgruppe&alter=1"] [--form-factor desktop]

Runs Lighthouse 12 (npm package lighthouse@12, installed into /tmp/lueckenlos-lighthouse on first
use, never into the repository) with Debian's /usr/bin/chromium, headless, against a server
that is already running: the demo (`lueckenlos demo`) or the search benchmark's (`--keep`).
The offer page is the first result of the results page. The issue asks for performance
≥ 95 and accessibility 100; the script exits with 1 when a page misses either.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from urllib.parse import urljoin

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TOOLS = Path("/tmp/lueckenlos-lighthouse")
LIGHTHOUSE = TOOLS / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
TARGETS = {"performance": 95, "accessibility": 100}
OFFER_LINK = re.compile(r'href="([^"]*/angebote/[0-9a-f-]{36}/)"')


def install() -> None:
    if LIGHTHOUSE.exists():
        return
    TOOLS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "lighthouse@12"],
        cwd=TOOLS,
        check=True,
    )


def first_kommune(base_url: str) -> str:
    """The first Kommune the start page links to."""
    with urllib.request.urlopen(base_url + "/") as response:  # noqa: S310 - our own server
        page = response.read().decode()
    # Language prefixes and the pages with reserved words are no Kommunen.
    from lueckenlos.areas.slugs import RESERVED_SLUGS

    for slug in re.findall(r'href="/([a-z0-9-]+)/"', page):
        if slug not in RESERVED_SLUGS:
            return slug
    sys.exit("The start page links to no Kommune; give --kommune.")


def first_offer(results_url: str) -> str:
    with urllib.request.urlopen(results_url) as response:  # noqa: S310 - our own server
        page = response.read().decode()
    found = OFFER_LINK.search(page)
    if not found:
        sys.exit(f"{results_url} shows no offer.")
    return urljoin(results_url, found.group(1))


def audit(url: str, form_factor: str) -> dict[str, float]:
    """Lighthouse's category scores (0-100) for one page."""
    with tempfile.TemporaryDirectory(prefix="lueckenlos-lighthouse-") as workdir:
        report = Path(workdir) / "report.json"
        command = [
            str(LIGHTHOUSE),
            url,
            f"--chrome-path={CHROMIUM}",
            "--chrome-flags=--headless=new --no-sandbox",
            "--only-categories=performance,accessibility",
            "--output=json",
            f"--output-path={report}",
            "--quiet",
        ]
        if form_factor == "desktop":
            command.append("--preset=desktop")
        subprocess.run(command, check=True, cwd=workdir)
        result = json.loads(report.read_text())
    scores = {
        name: round(category["score"] * 100) for name, category in result["categories"].items()
    }
    audits = result["audits"]
    scores["lcp_ms"] = audits["largest-contentful-paint"]["numericValue"]
    scores["bytes"] = audits["total-byte-weight"]["numericValue"]
    scores["failed"] = [
        key
        for key, value in audits.items()
        if value.get("score") is not None
        and value["score"] < 1
        and value.get("scoreDisplayMode") == "binary"
        and key in {ref["id"] for ref in result["categories"]["accessibility"]["auditRefs"]}
    ]
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--kommune", help="slug (default: the first on the start page)")
    parser.add_argument("--query", default="q=Krabbelgruppe&alter=1", help="of the results page")
    parser.add_argument("--form-factor", choices=["mobile", "desktop"], default="mobile")
    args = parser.parse_args()
    if not shutil.which("npm") or not Path(CHROMIUM).exists():
        sys.exit(f"Lighthouse needs npm and {CHROMIUM} (apt-get install npm chromium).")
    install()

    base = args.base_url.rstrip("/")
    kommune = args.kommune or first_kommune(base)
    results = f"{base}/{kommune}/angebote/?{args.query}"
    pages = {"start": base + "/", "results": results, "offer": first_offer(results)}
    missed = False
    print(f"Lighthouse 12, {args.form_factor}, {CHROMIUM} headless")
    for name, url in pages.items():
        scores = audit(url, args.form_factor)
        verdicts = [
            f"{category} {scores[category]}" + ("" if scores[category] >= target else " (MISSED)")
            for category, target in TARGETS.items()
        ]
        missed |= any(scores[category] < target for category, target in TARGETS.items())
        print(
            f"  {name:8} {', '.join(verdicts)}; LCP {scores['lcp_ms']:.0f} ms, "
            f"{scores['bytes'] / 1024:.0f} KB  {url}"
        )
        if scores["failed"]:
            print(f"           accessibility audits failed: {', '.join(scores['failed'])}")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
