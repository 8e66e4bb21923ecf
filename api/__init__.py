"""The HTTP API and the command line: thin entrypoints over the command bus."""
