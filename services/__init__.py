"""The service layer: eventsourcing applications, command handlers and the composition root."""
