"""Crash safety: a follower killed with SIGKILL in the middle of a batch, then restarted, ends
with exactly the rows of an uninterrupted run — at several kill points, on both stores."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from memberflow.settings import Settings
from projections.rebuild import rebuild
from projections.service import ReadModels
from projections.tracking import TRACKING
from tests.support import REPOSITORY
from tests.support.world import CLEAN_PATH, World

BATCH = 7

# Runs in its own process: follow the logs, and kill itself with SIGKILL right after the model
# has applied its Nth event, inside an open transaction.
KILLED_FOLLOWER = """
import os, signal, sys
from projections.registry import ALL_MODELS
from projections.service import ReadModels
from memberflow.bootstrap import build
from memberflow.settings import Settings

kill_after, url, batch = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
memberflow = build(Settings(database_url=url, projections_batch_size=batch, log_level="WARNING"))
read_models = memberflow.read_models
applied = 0
for model in read_models.models.values():
    def process(event, aggregate, source, tx, original=model.process):
        global applied
        original(event, aggregate, source, tx)
        applied += 1
        if applied == kill_after:
            os.kill(os.getpid(), signal.SIGKILL)
    model.process = process
read_models.catch_up()
"""


@pytest.fixture
def history(world: World) -> World:
    for name in ("甲", "乙", "丙"):
        case_id = world.submit(name=f"申请人{name}")
        world.follow(case_id, CLEAN_PATH[:10])
    return world


def _reset(read_models: ReadModels) -> None:
    read_models.ensure_created()
    with read_models.database.transaction() as tx:
        for model in read_models.models.values():
            model.drop(tx)
            model.create(tx)
        tx.execute(f"DELETE FROM {TRACKING}")
    for follower in read_models.followers.values():
        follower.forget()


def _all_rows(read_models: ReadModels) -> dict[str, list[tuple[object, ...]]]:
    with read_models.database.transaction() as tx:
        return {
            table: sorted(tx.fetchall(f"SELECT * FROM {table}"), key=repr)
            for model in read_models.models.values()
            for table in model.names.values()
        }


def _kill_at(settings: Settings, kill_after: int) -> int:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            KILLED_FOLLOWER,
            str(kill_after),
            settings.resolved_database_url,
            str(BATCH),
        ],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode


# The models that follow a log apply each of its events together (projections.pack): a batch of
# the membership log, the first with events here, is BATCH events applied by its three models.
PER_BATCH = 3 * BATCH


@pytest.mark.parametrize("kill_after", [1, PER_BATCH + 3, 3 * PER_BATCH + 5, 60])
def test_a_follower_killed_mid_batch_resumes_to_the_same_rows(
    history: World, read_models: ReadModels, settings: Settings, kill_after: int
) -> None:
    _reset(read_models)
    assert _kill_at(settings, kill_after) == -signal.SIGKILL

    resumed_from = {name: f.positions() for name, f in read_models.followers.items()}
    read_models.catch_up()  # the restart
    resumed = _all_rows(read_models)
    for name in read_models.models:
        rebuild(read_models, name)  # an uninterrupted run from the first event
    assert resumed == _all_rows(read_models)
    if kill_after > PER_BATCH:  # whole batches before the kill were kept, the open one was not
        assert any(position > 0 for p in resumed_from.values() for position in p.values())
