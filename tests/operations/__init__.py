"""What an operator runs: settings, logs, the command line, the demo data and the tamper evidence."""
