"""Term-change elections (DOMAIN.md §4): the election aggregate, its steps and their details,
the checks, the ballot count, the findings and the progress of an election."""
