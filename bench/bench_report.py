"""Rendering the full monitor report (HTML + PDF, one language) for the demo release.

Target: ≤ 30 s. Baseline in the same run: the HTML alone (charts included), so the ratio says
what the PDF step (WeasyPrint) costs on this machine.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from demo_release import demo_releases_dir
from harness import measure, write_results
from zichtbaar.disclosure.release import load_release
from zichtbaar.report.render import render_html, render_pdf

TARGET_S = 30.0


def main() -> None:
    rel_dir, name = demo_releases_dir()
    release = load_release(rel_dir, name)
    out = Path(tempfile.mkdtemp(prefix="zichtbaar-report-"))

    def html_only() -> None:
        (out / "r.html").write_text(render_html(release, "nl"))

    def full() -> None:
        html = render_html(release, "nl")
        (out / "r.html").write_text(html)
        (out / "r.pdf").write_bytes(render_pdf(release, "nl", html=html))

    base = measure("baseline: HTML only (nl)", html_only, repeats=3, warmup=1)
    whole = measure("full report: HTML + PDF (nl)", full, repeats=3, warmup=1)
    write_results(
        "report",
        [base, whole],
        release=name,
        target_s=TARGET_S,
        meets_target=whole.median <= TARGET_S,
        ratio_full_to_html=whole.median / base.median,
    )


if __name__ == "__main__":
    main()
