"""The composition root: settings, logging, and the one place that builds memberflow."""
