"""The HTTP API as a client uses it: scenarios end to end, the error contract, concurrency."""
