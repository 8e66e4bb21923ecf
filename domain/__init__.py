"""The rules of party member development, as aggregates, value objects and pure functions.

Nothing here imports from the service, API or projection layers.
"""
