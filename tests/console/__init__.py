"""The web console: its helpers, its pages over HTTP, and in a real browser."""
