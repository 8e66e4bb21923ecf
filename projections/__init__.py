"""Read models built from events only (issue 4)."""
