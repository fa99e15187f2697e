"""The ``btconsole`` command: parses arguments, loads settings, and hands off to a subcommand.

Every expected failure (bad settings, an unreachable broker, a bad argument) ends as one plain sentence on
stderr and exit status 2; a traceback is a bug.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from console import __version__
from console.config import ConfigError, LoadedSettings, load_settings

Command = Callable[[argparse.Namespace, LoadedSettings], int]


def _flag_overrides(args: argparse.Namespace) -> dict[str, object]:
    """Command-line flags as dotted settings keys: the highest layer of the settings."""
    overrides: dict[str, object] = {}
    if args.mode:
        overrides["broker.mode"] = args.mode
    if args.theme:
        overrides["ui.theme"] = args.theme
    if args.data_dir:
        overrides["paths.data_dir"] = args.data_dir
    for item in args.set or ():
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ConfigError(f"--set takes KEY=VALUE (e.g. --set risk.max_open_orders=50), got {item!r}")
        overrides[key.strip()] = value
    return overrides


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="btconsole",
        description="Terminal trading console: Backtrader strategies on a simulated market or Alpaca.",
    )
    parser.add_argument("--version", action="version", version=f"btconsole {__version__}")
    parser.add_argument("--config", metavar="PATH", help="user settings file (default: user config dir)")
    parser.add_argument("--mode", choices=["sim", "paper", "live"], help="broker mode (default: sim)")
    parser.add_argument("--live", action="store_true", help="allow live trading (with mode live)")
    parser.add_argument("--theme", choices=["dark", "light", "high-contrast"])
    parser.add_argument("--data-dir", metavar="DIR", help="journal and state folder")
    parser.add_argument(
        "--set", action="append", metavar="KEY=VALUE", help="override any setting, e.g. ui.refresh_hz=20"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    from console.commands import register_all

    register_all(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        loaded = load_settings(config_path=args.config, flags=_flag_overrides(args))
    except ConfigError as error:
        print(f"btconsole: {error}", file=sys.stderr)
        return 2
    from console.logging_setup import configure_logging

    configure_logging(loaded.settings, secrets=loaded.secret_values())
    run: Command = getattr(args, "run", None) or _default_command()
    try:
        return run(args, loaded)
    except ConfigError as error:
        print(f"btconsole: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _default_command() -> Command:
    from console.commands.console_cmd import run_console

    return run_console


if __name__ == "__main__":
    sys.exit(main())
