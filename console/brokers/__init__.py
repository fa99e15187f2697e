"""Brokers behind one port: the simulated venue (default) and Alpaca (paper and live)."""
