"""The release the web and report benchmarks run on: the demo's, or one of demo size."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_PERSONS = 20_000


def demo_releases_dir() -> tuple[Path, str]:
    """``(releases_dir, name)``: the newest release under ZICHTBAAR_HOME, else a fresh one."""
    from zichtbaar.config import get_settings
    from zichtbaar.web.releases import release_names

    rel_dir = get_settings().releases_dir
    names = release_names(rel_dir) if rel_dir.exists() else []
    if names:
        return rel_dir, names[0]
    sys.path.insert(0, str(ROOT))
    from tests.report.factory import build_releases

    tmp = Path(tempfile.mkdtemp(prefix="zichtbaar-bench-"))
    return build_releases(tmp, n_persons=DEMO_PERSONS), "full"
