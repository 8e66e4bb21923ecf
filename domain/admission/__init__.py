"""The admission pipeline (DOMAIN.md §2): the case aggregate, its 25 steps and their details,
the checks, the findings and the progress of a case."""
