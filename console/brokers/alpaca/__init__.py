"""alpaca."""
