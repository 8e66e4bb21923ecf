"""Adapters to the outside world: the event store and its hash chain."""
