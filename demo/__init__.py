"""Demo data: a small realistic setting built through the command path."""
