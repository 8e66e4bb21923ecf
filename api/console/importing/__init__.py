"""Importing the organization tree and the member roster from a spreadsheet (issue 12).

Nothing here knows of HTTP: ``sheets`` reads a .csv or .xlsx into numbered rows, ``columns``
names each kind's columns (and writes the templates), ``cells`` reads one cell's text, ``checking``
turns every row into the API's own request body and command or says why it cannot, and
``running`` sends the commands through the command bus. The package lives beside the console
rather than in ``services/`` because a row is checked by the API's request models
(``api/routes/organizations.py``, ``api/routes/members.py``): a row is refused for exactly the
reasons the API would refuse the same body.
"""
