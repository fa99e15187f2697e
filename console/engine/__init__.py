"""The Backtrader side of the console: strategy registry, backtests, and (later) the live bridge.

Import-light on purpose: importing ``console.engine`` loads nothing heavy. Backtrader is imported by the
submodules (``registry``, ``feeds``, ``backtest``), which callers import lazily when they need them.
"""
