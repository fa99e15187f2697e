"""Subcommands whose features have not landed yet: each says so plainly instead of failing obscurely."""

from __future__ import annotations

import argparse
import sys

from console.config import LoadedSettings

PENDING = {
    "emulate": "serve an offline Alpaca-compatible API on 127.0.0.1",
    "serve": "run the trading engine headless",
    "attach": "attach a console to a running engine",
    "status": "print a running engine's state",
}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    for name, summary in PENDING.items():
        parser = sub.add_parser(name, help=f"{summary} (not available yet)")
        parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
        parser.set_defaults(run=_not_yet(name))


def _not_yet(name: str):  # type: ignore[no-untyped-def]
    def run(args: argparse.Namespace, loaded: LoadedSettings) -> int:
        print(f"btconsole {name}: not available in this version yet.", file=sys.stderr)
        return 2

    return run
