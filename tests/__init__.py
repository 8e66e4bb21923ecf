"""The tests, as a pyramid: each folder is one kind of test, from the fastest to the slowest.

- ``rules/``: the rules of DOMAIN.md through the command bus (and the 潮州 scenario over HTTP), each
  rule with its refusal and its boundary; they also run on the in-memory store (``make test-fast``).
- ``http/``: the API as a client uses it: scenarios, the error contract, concurrency.
- ``projections/``: the read models: following the logs, rebuilds, crashes, reconcile and replay.
- ``operations/``: what an operator runs: settings, logs, the command line, the demo data and the
  tamper evidence of the store.
- ``support/``: the helpers they share: a clock, a ``World`` driving the bus, an HTTP ``Client``.

``conftest.py`` holds every shared fixture and chooses the stores (``--store``).
"""
