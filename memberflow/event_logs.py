"""Every event log of the service, with its hash chain: what ``memberflow audit verify`` and
``memberflow audit checkpoint`` walk, and the web console's 立即校验 (docs/tamper-evidence.md)."""

from __future__ import annotations

from eventsourcing.application import Application

from adapters.chain.recorders import ChainedRecorder, chained
from memberflow.bootstrap import Memberflow


def event_logs(memberflow: Memberflow) -> list[ChainedRecorder]:
    """Every event log of the service (each application that ``bootstrap.build`` made)."""
    apps = [value for value in vars(memberflow).values() if isinstance(value, Application)]
    return list(chained(app.recorder for app in apps))
