"""The ``memberflow`` command line."""
