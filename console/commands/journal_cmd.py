"""STUB — being replaced by the journal helper."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser("journal", help="print the journal's latest events")
