"""Following together: the read models that follow a log read each page of it once.

Every read model follows its logs on its own terms — its own position, its own failures — but
the work of reading a log is the same for all of them: select a page of notifications, decrypt and
decode each event, bring its aggregate up to that event. A ``Pack`` does that work once per page
for all of its followers that stand at the same position in that log (``run_page``), each model
applying the event to the aggregate as it is right after the event, in one transaction with every
model's new position. A model that fails stops alone, right before its event.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from projections.database import ReadDatabase
from projections.follower import AggregateCache, Follower, Outcome, run_page
from projections.tracking import tracked_position
from services.applications import MemberflowApplication

#: Aggregates a pack keeps in memory per log: the service's (as many as its followers used to
#: keep each), and a rebuild's, which reads the whole history at once (docs/PERFORMANCE.md).
FOLLOWING, REBUILDING = 6_144, 32_768


class Pack:
    """Followers that read their logs together."""

    def __init__(
        self,
        followers: Sequence[Follower],
        database: ReadDatabase,
        applications: Mapping[str, MemberflowApplication],
        cached: int = FOLLOWING,
    ) -> None:
        self.followers = {follower.tracking_name: follower for follower in followers}
        self.database = database
        sources = sorted({source for follower in followers for source in follower.sources})
        self.aggregates = {
            source: AggregateCache(
                applications[source],
                {kind for f in followers if source in f.sources for kind in f.model.aggregates},
                cached,
            )
            for source in sources
        }

    def forget(self) -> None:
        for aggregates in self.aggregates.values():
            aggregates.forget()
        for follower in self.followers.values():
            follower.forget()

    def process_batch(self, limit: int, names: Sequence[str] | None = None) -> Outcome:
        """One page of every log for the followers named (by tracking name; default all)."""
        outcome = Outcome()
        active = [self.followers[name] for name in (names or self.followers)]
        with self.database.transaction(write=False) as tx:
            positions = {
                (f.tracking_name, source): tracked_position(tx, f.tracking_name, source)
                for f in active
                for source in f.sources
            }
        for source, aggregates in self.aggregates.items():
            # The followers of the log by where they stand in it: each group shares its pages.
            groups: dict[int, list[Follower]] = defaultdict(list)
            for follower in active:
                stopped = follower.tracking_name in outcome.failed.keys() | outcome.moved
                if source in follower.sources and not stopped:
                    groups[positions[follower.tracking_name, source]].append(follower)
            for position in sorted(groups):
                run_page(self.database, source, groups[position], aggregates, limit, outcome)
        return outcome
