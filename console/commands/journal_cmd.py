"""``btconsole journal``: read the audit journal from the shell, as a table or as CSV.

It opens the journal read-only, so it is safe to run while a console is trading: it never creates,
changes or locks the file against the writer.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from console.config import LoadedSettings
from console.journal import Journal, JournalEntry, JournalError, JournalFilters, JournalKind
from console.paths import resolve_paths

DEFAULT_LIMIT = 50
SUMMARY_WIDTH = 60
CSV_COLUMNS = ("seq", "ts", "kind", "order_id", "client_order_id", "symbol", "strategy", "payload")
_RELATIVE = re.compile(r"^(\d+)\s*([smhdw])$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}


class SinceError(ValueError):
    """A ``--since`` value that is neither an ISO date/time nor a relative age."""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "journal",
        help="print the journal's latest events, or export them as CSV",
        description="Print the latest journal rows (oldest first), filtered; or export every match as CSV.",
    )
    kinds = [kind.value for kind in JournalKind]
    parser.add_argument(
        "--kind",
        action="append",
        choices=kinds,
        metavar="KIND",
        help=f"only this kind (repeatable): {', '.join(kinds)}",
    )
    parser.add_argument("--symbol", help="only rows for this symbol")
    parser.add_argument("--strategy", metavar="NAME", help="only rows for this strategy")
    parser.add_argument(
        "--since",
        metavar="WHEN",
        help="ISO date or time (UTC unless it says otherwise), or an age: 15m, 2h, 1d",
    )
    parser.add_argument(
        "-n",
        "--limit",
        type=_positive_int,
        metavar="N",
        help=f"latest N rows (table default {DEFAULT_LIMIT})",
    )
    parser.add_argument(
        "--csv", action="store_true", help="export every matching row as CSV (all, unless -n)"
    )
    parser.add_argument(
        "--output", metavar="PATH", help="write the CSV here instead of stdout (implies --csv)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    """Print or export journal rows as the arguments ask.

    Returns:
        0 on success (also when no journal exists yet); 2 on a bad ``--since`` or an unreadable journal.
    """
    try:
        since = parse_since(args.since) if args.since else None
    except SinceError as error:
        print(f"btconsole journal: {error}", file=sys.stderr)
        return 2
    path = resolve_paths(loaded.settings).journal_path
    if not path.exists():
        print(f"no journal yet at {path}")
        return 0
    filters: JournalFilters = {
        "kinds": args.kind,
        "symbol": args.symbol.upper() if args.symbol else None,
        "strategy": args.strategy,
        "since": since,
    }
    try:
        with Journal.open(path, readonly=True) as journal:
            if args.csv or args.output:
                entries = (
                    journal.tail(args.limit, **filters) if args.limit else journal.iter_entries(**filters)
                )
                return _export_csv(entries, args.output)
            _print_table(journal.tail(args.limit or DEFAULT_LIMIT, **filters), path)
    except JournalError as error:
        print(f"btconsole journal: {error}", file=sys.stderr)
        return 2
    return 0


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """A ``--since`` value as a UTC time.

    Args:
        text: ``2024-05-01``, ``2024-05-01T13:30``, ``...+02:00``/``Z``, or an age like ``15m``, ``2h``,
            ``1d``, ``1w`` (``s`` for seconds). A time without an offset is UTC, as the journal shows.
        now: The moment an age counts back from; default now.

    Raises:
        SinceError: Neither form.
    """
    text = text.strip()
    relative = _RELATIVE.match(text)
    if relative:
        seconds = int(relative.group(1)) * _UNIT_SECONDS[relative.group(2).lower()]
        try:
            return (now or datetime.now(UTC)) - timedelta(seconds=seconds)
        except OverflowError:
            raise SinceError(f"--since {text} reaches back before the year 1") from None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise SinceError(
            f"--since takes an ISO date or time (2024-05-01, 2024-05-01T13:30) or an age (15m, 2h, 1d),"
            f" not {text!r}"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def summarize_payload(payload: dict[str, Any], width: int = SUMMARY_WIDTH) -> str:
    """``key=value`` pairs of a payload's set fields, nested objects elided, clipped to ``width``."""
    parts = []
    for key, value in payload.items():
        if value is None or (isinstance(value, list | dict) and not value):
            continue  # unset optional fields say nothing in a one-line summary
        if isinstance(value, dict):
            shown = "{…}"
        elif isinstance(value, list):
            shown = f"[{len(value)}]"
        else:
            shown = str(value)
        parts.append(f"{key}={shown}")
    return _clip(" ".join(parts), width)


HEADERS = ("seq", "time (UTC)", "kind", "symbol", "strategy", "order ids", "payload")
MAX_IDS_WIDTH = 48


def _print_table(entries: list[JournalEntry], path: Path) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    console = Console()
    rows = [_cells(entry) for entry in entries]
    # The identity columns keep their full width; the ids and payload are clipped to the room left, because
    # rich, left to squeeze a too-wide table of unwrappable columns, can shrink a column to nothing.
    fixed = [max([len(HEADERS[i]), *(len(row[i]) for row in rows)]) for i in range(5)]
    gaps = 3 * (len(HEADERS) - 1) + 1  # padding and separator between columns, and one spare
    room = max(console.width - sum(fixed) - gaps, 8)
    widest_ids = max([len(HEADERS[5]), *(len(row[5]) for row in rows)])
    ids_width = max(len(HEADERS[5]), min(MAX_IDS_WIDTH, widest_ids, room * 2 // 5))
    payload_width = max(room - ids_width, len(HEADERS[6]))
    table = Table(
        title=f"journal {path}",
        title_justify="left",
        caption=f"{len(rows)} rows",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    for index, header in enumerate(HEADERS):
        table.add_column(
            header,
            style={0: "dim", 2: "bold"}.get(index),
            justify="right" if index == 0 else "left",
            no_wrap=True,
        )
    for row in rows:
        table.add_row(*row[:5], _clip(row[5], ids_width), _clip(row[6], payload_width))
    console.print(table)


def _cells(entry: JournalEntry) -> list[str]:
    return [
        str(entry.seq),
        entry.ts.strftime("%m-%d %H:%M:%S"),  # year and microseconds are in the CSV; width is scarce
        str(entry.kind),
        entry.symbol or "",
        entry.strategy or "",
        " / ".join(i for i in (entry.client_order_id, entry.order_id) if i),
        summarize_payload(entry.payload, width=10_000),
    ]


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _export_csv(entries: Iterable[JournalEntry], output: str | None) -> int:
    if output is None:
        try:
            _write_csv(entries, sys.stdout)
            sys.stdout.flush()
        except BrokenPipeError:
            # The reader (``| head``) has what it wanted; point stdout at devnull so the interpreter's
            # final flush does not raise again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    try:
        with open(output, "w", newline="", encoding="utf-8") as stream:
            count = _write_csv(entries, stream)
    except OSError as error:
        print(f"btconsole journal: cannot write {output}: {error.strerror or error}", file=sys.stderr)
        return 2
    print(f"wrote {count} rows to {output}", file=sys.stderr)
    return 0


def _write_csv(entries: Iterable[JournalEntry], stream: TextIO) -> int:
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for entry in entries:
        payload = json.dumps(entry.payload, separators=(",", ":"), ensure_ascii=False)
        ids = (entry.order_id or "", entry.client_order_id or "")
        where = (entry.symbol or "", entry.strategy or "")
        writer.writerow((entry.seq, entry.ts.isoformat(), str(entry.kind), *ids, *where, payload))
        count += 1
    return count


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of rows, 1 or more, not {text!r}")
    return value
