"""Dashboard latency on the demo-sized release (target: median ≤ 300 ms per page).

In-process (FastAPI TestClient, no network), logged in as an analyst. The page carries its
charts as ``<img>`` requests of their own, so a page and one chart image are measured apart.
``cold`` uses filter combinations not seen before, ``warm`` repeats one (charts cached).
Baseline in the same run: the login page, i.e. the cost of the framework and a template alone.
"""

from __future__ import annotations

import itertools
import re
import tempfile
from pathlib import Path

from fastapi.testclient import TestClient

from demo_release import demo_releases_dir
from harness import Measurement, measure, write_results
from zichtbaar.store import add_user, open_store
from zichtbaar.web.app import create_app

TARGET_S = 0.300


def main() -> None:
    rel_dir, name = demo_releases_dir()
    tmp = Path(tempfile.mkdtemp(prefix="zichtbaar-web-"))
    store = open_store(f"sqlite:///{tmp / 'store.sqlite'}", key_file=tmp / "hub-key.json")
    add_user(store, "bench", "bench password 1", "analyst", None, actor="bench")
    app = create_app(store, rel_dir, tmp / "reports", secret_key="bench")
    client = TestClient(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    client.headers["X-CSRF-Token"] = token.group(1) if token else ""
    client.post("/login", data={"username": "bench", "password": "bench password 1"})

    forms = ["domestic_sexual", "crossborder_sexual", "labour", "criminal"]
    combos = [
        f"/analyst?year={y}&form={f}&nationality=NL"
        for y, f in itertools.product(range(2016, 2021), forms)
    ]
    cold_iter = iter(combos)
    chart_iter = (
        f"/analyst/chart/victims_by_year_form.svg?year={y}&form={f}"
        for y, f in itertools.product(range(2016, 2021), forms)
    )

    def get(url: str) -> None:
        res = client.get(url)
        if res.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {res.status_code}")

    ms: list[Measurement] = [
        measure("baseline: login page", lambda: get("/login"), repeats=20, warmup=2),
        measure("dashboard, no filter (warm)", lambda: get("/analyst"), repeats=20, warmup=1),
        measure("dashboard, new filter (cold)", lambda: get(next(cold_iter)), repeats=15),
        measure("dashboard, same filter (warm)", lambda: get(combos[0]), repeats=20),
        measure("one chart image, new filter (cold)", lambda: get(next(chart_iter)), repeats=15),
        measure(
            "dashboard JSON twin",
            lambda: get("/api/analyst/dashboard?year=2020"),
            repeats=20,
            warmup=1,
        ),
    ]
    write_results(
        "web",
        ms,
        release=name,
        target_s=TARGET_S,
        meets_target={m.name: m.median <= TARGET_S for m in ms[1:]},
    )
    store.close()


if __name__ == "__main__":
    main()
