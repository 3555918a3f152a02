"""On PostgreSQL, concurrent writers still produce one unbroken audit chain (advisory lock)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from zichtbaar.store import append_audit, open_store, verify_audit


def test_concurrent_appends_keep_one_chain(postgres_url: str, tmp_path: Path) -> None:
    store = open_store(postgres_url, key_file=tmp_path / "hub-key.json")

    def writer(w: int) -> None:
        for i in range(15):
            with store.engine.begin() as conn:
                append_audit(conn, f"worker-{w}", "test", f"ref:{w}:{i}")

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(writer, range(4)))
    report = verify_audit(store)
    store.close()
    assert report.ok, report.problems
    assert report.entries == 60
