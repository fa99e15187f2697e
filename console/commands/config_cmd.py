"""STUB — being replaced by the config helper."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser("config", help="print the effective settings and where each value came from")
