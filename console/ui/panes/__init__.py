"""panes."""
