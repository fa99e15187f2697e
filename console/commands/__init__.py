"""Subcommands of ``btconsole``, one module each; ``register_all`` adds them to the parser."""

from __future__ import annotations

import argparse

from console.commands import backtest_cmd, config_cmd, console_cmd, journal_cmd, pending_cmds


def register_all(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    console_cmd.register(sub)
    config_cmd.register(sub)
    journal_cmd.register(sub)
    backtest_cmd.register(sub)
    pending_cmds.register(sub)
