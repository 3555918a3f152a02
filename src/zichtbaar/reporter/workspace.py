"""The reporter app's folder at the organisation: keys, profiles, work and the submission log.

Everything stays in one folder on the organisation's computer. Key files are written mode 0600
and never read back into a page or a log line: the app shows a key's id, never its content, and
of the API key only whether one is set. The submission log (JSON lines) is the organisation's
record of processing (GDPR art. 30): when, how many rows, the package checksum, the hub's answer.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zichtbaar.encode.keys import LinkageKey, load_key
from zichtbaar.encode.mapping import MappingProfile, dump_profile, load_profile
from zichtbaar.errors import EncodeError, KeyFileError

_JOB = re.compile(r"[0-9a-f]{16}")
_API_KEY = re.compile(r"[A-Za-z0-9._~+/=-]{16,200}")


def _write_private(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    Path(tmp).chmod(0o600)
    Path(tmp).replace(path)


@dataclass(frozen=True)
class Workspace:
    root: Path

    def __post_init__(self) -> None:
        for sub in ("jobs", "profiles", "receipts"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o700)

    # ------------------------------------------------------------------ keys
    @property
    def key_path(self) -> Path:
        return self.root / "linkage.key"

    def key(self) -> LinkageKey | None:
        return load_key(self.key_path) if self.key_path.exists() else None

    def import_key(self, data: bytes) -> LinkageKey:
        """Check and keep a key file from the key custodian; the key it replaces is kept aside
        (by its id) so that packages made with it can still be explained."""
        if len(data) > 10_000:
            raise KeyFileError("this is not a key file (too large)")
        probe = self.root / ".key-check"
        _write_private(probe, data)
        try:
            key = load_key(probe)
        finally:
            probe.unlink(missing_ok=True)
        old = self.key() if self.key_path.exists() else None
        if old is not None and old.key_id != key.key_id:
            shutil.move(self.key_path, self.root / f"linkage-{old.key_id}.key")
        _write_private(self.key_path, data)
        return key

    @property
    def _api_key_path(self) -> Path:
        return self.root / "api.key"

    def set_api_key(self, value: str) -> None:
        text = value.strip()
        if not _API_KEY.fullmatch(text):
            raise EncodeError("this does not look like an API key from the hub")
        _write_private(self._api_key_path, text.encode("ascii"))

    def api_key(self) -> str | None:
        path = self._api_key_path
        return path.read_text("ascii").strip() if path.exists() else None

    # ------------------------------------------------------------------ jobs and profiles
    def new_job(self) -> str:
        job = secrets.token_hex(8)
        (self.root / "jobs" / job).mkdir()
        return job

    def job_dir(self, job: str) -> Path:
        path = self.root / "jobs" / job
        if not _JOB.fullmatch(job) or not path.is_dir():
            raise FileNotFoundError(job)
        return path

    def profile_path(self) -> Path:
        return self.root / "profiles" / "profile.yaml"

    def save_profile(self, profile: MappingProfile, job: str | None = None) -> None:
        text = dump_profile(profile)
        self.profile_path().write_text(text, "utf-8")  # reused next month
        if job:
            (self.job_dir(job) / "profile.yaml").write_text(text, "utf-8")

    def profile(self, job: str | None = None) -> MappingProfile | None:
        path = self.job_dir(job) / "profile.yaml" if job else self.profile_path()
        if not path.exists() and job:
            path = self.profile_path()
        return load_profile(path) if path.exists() else None

    # ------------------------------------------------------------------ the processing record
    @property
    def log_path(self) -> Path:
        return self.root / "submissions.jsonl"

    def log(self, entry: dict[str, Any]) -> None:
        line = {"when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **entry}
        with self.log_path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")

    def entries(self) -> list[dict[str, Any]]:
        if not self.log_path.exists():
            return []
        lines = self.log_path.read_text("utf-8").splitlines()
        return [json.loads(line) for line in reversed(lines) if line.strip()]
