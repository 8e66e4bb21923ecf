"""Tamper evidence: a keyed hash chain over every stored event, and signed checkpoints of its head.

Each application's events table ``<app>_events`` has a chain table ``<app>_chain`` beside it, with
one row per notification id, written by the recorders in the same transaction as the event:

    digest(N) = sha256(encode(originator_id, originator_version, topic, state))
    link(N)   = HMAC-SHA256(chain key, link(previous) ‖ N as 8 bytes ‖ digest(N))
    link(before the first event) = HMAC-SHA256(chain key, "memberflow-chain-v1" ‖ 0 ‖ app name)

``encode`` is unambiguous: each field (the originator id, a UUID as 32 hex digits; the version, a
signed 8-byte integer; the topic; the state as stored, metadata included) is tagged with its type
and prefixed by its length in 4 bytes. The digest does not hold N, so an event moved to another
position keeps its digest and verification can say it was reordered. The chain key is the service's
secret (``MEMBERFLOW_CHAIN_KEY``); the database holds links, never the key. Writers are serialized
(SQLite's write lock, PostgreSQL's table lock), so reading the previous link inside the write is
safe.

- ``links``: the arithmetic above (digests, links, the chain table's name).
- ``recorders``: eventsourcing's recorders that write the links, and read a store back as a
  ``Snapshot``.
- ``verification``: ``verify`` walks events and links of each application in one snapshot and
  reports the first broken position with its kind.
- ``checkpoints``: ``make_checkpoint`` signs the verified heads with Ed25519; ``verify(…,
  checkpoint)`` recomputes the chain from the events alone up to each signed position, so even
  someone who holds the chain key and rewrote every link is caught for history before the
  checkpoint.

See docs/tamper-evidence.md for the threat model.
"""
