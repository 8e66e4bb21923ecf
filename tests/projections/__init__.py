"""The read models: following the logs exactly once, rebuilds, crashes, reconcile and replay."""
