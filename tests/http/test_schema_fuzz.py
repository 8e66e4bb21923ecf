"""Schemathesis against the OpenAPI document (issue 10): requests generated from the document,
sent with a valid token, answer no 5xx, and every answer has a documented status, media type
(errors: application/problem+json) and schema."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.support.client import Client

pytestmark = pytest.mark.stores("sqlite")  # the document is the same on every store
EXAMPLES = 5  # per operation, mode and role: bounded, so that CI stays fast


# The administrator reads everywhere and writes the tree; the city committee's official takes the
# workflow decisions everywhere below it: between them every operation is let through somewhere.
@pytest.mark.parametrize("role", ["admin", "wc_official"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_answers_as_documented(
    client: Client, mode: GenerationMode, role: str
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.http.app)
    token = {"Authorization": f"Bearer {client.tokens[role]}"}
    failures: dict[str, str] = {}
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # the document itself is valid
        operation = result.ok()

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
        def answers_as_documented(case: Case[Any]) -> None:
            case.call_and_validate(
                headers=token,
                # Schema-valid data may still break a hard rule of DOMAIN.md (422 naming it), or
                # a bound the document cannot express (a date's range, a name's characters).
                excluded_checks=[positive_data_acceptance],
            )

        try:
            answers_as_documented()
        except Unsatisfiable:  # nothing to negate: an operation without inputs
            assert mode is GenerationMode.NEGATIVE, operation.label
        except BaseException as error:  # schemathesis groups its failures
            if isinstance(error, KeyboardInterrupt):
                raise
            failures[operation.label] = str(error)[:1500]
    assert not failures, "\n\n".join(f"{label}\n{error}" for label, error in failures.items())
