"""btconsole: a terminal trading console for Backtrader strategies on a simulated market or Alpaca."""

__version__ = "0.1.0"
