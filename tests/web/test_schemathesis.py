"""Schemathesis fuzzes every documented API operation: no input may crash the hub (no 5xx), and
every answer must match the OpenAPI spec. Runs against the real app in process (ASGI)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.web.factory import ORG, make_env
from zichtbaar.store import new_api_key

# The hub under fuzzing: a real store in a temporary directory, with releases to serve.
_ENV = make_env(Path(tempfile.mkdtemp(prefix="zichtbaar-fuzz-")))
schema = schemathesis.openapi.from_asgi("/api/openapi.json", _ENV.app)
_, _API_KEY = new_api_key(_ENV.store, ORG, actor="fuzz")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_on_any_input(case: schemathesis.Case) -> None:
    # With a valid organisation key, so the submissions API is fuzzed past authentication too.
    response = case.call(headers={"X-API-Key": _API_KEY})
    case.validate_response(response, checks=[not_a_server_error])
