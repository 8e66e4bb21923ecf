"""The rules: each test names a rule, shows its refusal and the boundary it lets through.

These are the fast tier: besides SQLite and PostgreSQL they run on the in-memory store, in seconds
(``make test-fast``, or ``pytest tests/rules --store memory``).
"""
