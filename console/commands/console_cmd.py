"""The default command: open the full-screen console."""

from __future__ import annotations

import argparse

from console.config import LoadedSettings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("console", help="open the full-screen console (the default)")
    parser.set_defaults(run=run_console)


def run_console(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    from console.ui.app import build_app

    app = build_app(loaded.settings)
    app.run()
    return app.return_code or 0
