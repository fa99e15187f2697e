"""``btconsole journal``: the tail as a table, filters, CSV export, and plain errors."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from console.cli import main
from console.commands.journal_cmd import SinceError, parse_since, summarize_payload
from console.journal import Journal, JournalKind
from console.logging_setup import shutdown_logging


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An isolated world: every per-user folder and the user settings file live under tmp_path."""
    for variable, folder in (
        ("XDG_DATA_HOME", "data-home"),
        ("XDG_CACHE_HOME", "cache-home"),
        ("XDG_STATE_HOME", "state-home"),
        ("XDG_CONFIG_HOME", "config-home"),
        ("XDG_RUNTIME_DIR", "runtime"),
        ("BTCONSOLE_CONFIG_DIR", "config"),
    ):
        monkeypatch.setenv(variable, str(tmp_path / folder))
    monkeypatch.setenv("COLUMNS", "220")  # wide enough that rich truncates nothing we assert on
    data = tmp_path / "data"
    data.mkdir()
    yield data
    shutdown_logging()


def journal_cli(data_dir: Path, *args: str) -> int:
    logs = data_dir.parent / "logs"
    return main(["--data-dir", str(data_dir), "--set", f"paths.log_dir={logs}", "journal", *args])


NOW = datetime.now(UTC)


@pytest.fixture
def journal_rows(data_dir: Path) -> Path:
    """60 old fills on AAPL by sma, then a recent intent, risk decision and fill on MSFT by rsi."""
    with Journal.open(data_dir / "journal.sqlite3") as journal:
        for n in range(60):
            journal.append(
                JournalKind.FILL,
                {"qty": Decimal(n + 1), "price": Decimal("187.25")},
                symbol="AAPL",
                strategy="sma",
                client_order_id=f"sma-{n}",
                order_id=f"b-{n}",
                ts=NOW - timedelta(days=2),
            )
        for kind in (JournalKind.ORDER_INTENT, JournalKind.RISK_DECISION, JournalKind.FILL):
            journal.append(
                kind, {"side": "buy", "qty": Decimal(5), "note": None}, symbol="MSFT", strategy="rsi", ts=NOW
            )
    return data_dir


def table_seqs(output: str) -> list[int]:
    """The seq column of the printed table: rows are the lines whose first cell is a number.

    The caption ("50 rows") also starts with a number, but has only two words.
    """
    cells = [line.split() for line in output.splitlines()]
    return [int(row[0]) for row in cells if len(row) > 2 and row[0].isdigit()]


def test_prints_the_latest_fifty_rows_oldest_first(
    journal_rows: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert journal_cli(journal_rows) == 0
    out = capsys.readouterr().out
    assert table_seqs(out) == list(range(14, 64))
    assert "order_intent" in out and "risk_decision" in out
    assert "sma-59 / b-59" in out
    assert "qty=60 price=187.25" in out


def test_limit_filters_and_kinds_narrow_the_table(
    journal_rows: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal_cli(journal_rows, "-n", "3", "--symbol", "aapl")
    assert table_seqs(capsys.readouterr().out) == [58, 59, 60]
    journal_cli(journal_rows, "--strategy", "rsi", "--kind", "fill", "--kind", "order_intent")
    assert table_seqs(capsys.readouterr().out) == [61, 63]


def test_since_accepts_an_age_and_an_iso_time(journal_rows: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal_cli(journal_rows, "--since", "1h")
    assert table_seqs(capsys.readouterr().out) == [61, 62, 63]
    journal_cli(journal_rows, "--since", (NOW - timedelta(days=3)).date().isoformat(), "-n", "2")
    assert table_seqs(capsys.readouterr().out) == [62, 63]


def test_csv_exports_every_matching_row_with_a_header(
    journal_rows: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert journal_cli(journal_rows, "--csv", "--symbol", "AAPL") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 60  # not cut to the table's default of 50
    first = rows[0]
    assert (first["seq"], first["kind"], first["symbol"], first["strategy"]) == ("1", "fill", "AAPL", "sma")
    assert (first["client_order_id"], first["order_id"]) == ("sma-0", "b-0")
    assert json.loads(first["payload"]) == {"qty": "1", "price": "187.25"}
    assert datetime.fromisoformat(first["ts"]) == (NOW - timedelta(days=2))


def test_csv_can_be_written_to_a_file(journal_rows: Path, tmp_path: Path) -> None:
    target = tmp_path / "export.csv"
    assert journal_cli(journal_rows, "--output", str(target), "--kind", "risk_decision") == 0
    with target.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["seq", "ts", "kind", "order_id", "client_order_id", "symbol", "strategy", "payload"]
    assert [row[0] for row in rows[1:]] == ["62"]


def test_a_missing_journal_is_reported_plainly_and_not_created(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert journal_cli(data_dir) == 0
    assert capsys.readouterr().out.strip() == f"no journal yet at {data_dir / 'journal.sqlite3'}"
    assert not (data_dir / "journal.sqlite3").exists()


def test_a_bad_since_is_one_sentence_and_exit_two(
    journal_rows: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert journal_cli(journal_rows, "--since", "yesterday-ish") == 2
    err = capsys.readouterr().err
    assert err.startswith("btconsole journal: --since takes an ISO date")
    assert len(err.strip().splitlines()) == 1


def test_an_age_beyond_the_calendar_is_a_bad_since(
    journal_rows: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert journal_cli(journal_rows, "--since", "99999999999d") == 2
    assert capsys.readouterr().err.startswith("btconsole journal: --since 99999999999d reaches back")


def test_an_unwritable_output_is_one_sentence_and_exit_two(
    journal_rows: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing-folder" / "export.csv"
    assert journal_cli(journal_rows, "--output", str(target)) == 2
    assert capsys.readouterr().err == f"btconsole journal: cannot write {target}: No such file or directory\n"


def test_an_unreadable_journal_is_one_sentence_and_exit_two(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (data_dir / "journal.sqlite3").write_text("not a database " * 100)
    assert journal_cli(data_dir) == 2
    assert capsys.readouterr().err.startswith("btconsole journal: cannot open the journal")


def test_reading_does_not_change_the_journal(journal_rows: Path) -> None:
    journal_cli(journal_rows, "--csv")
    with Journal.open(journal_rows / "journal.sqlite3", readonly=True) as journal:
        assert journal.last_seq() == 63


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15m", datetime(2024, 5, 1, 11, 45, tzinfo=UTC)),
        ("2h", datetime(2024, 5, 1, 10, 0, tzinfo=UTC)),
        ("1d", datetime(2024, 4, 30, 12, 0, tzinfo=UTC)),
        ("30s", datetime(2024, 5, 1, 11, 59, 30, tzinfo=UTC)),
        ("2024-04-01", datetime(2024, 4, 1, tzinfo=UTC)),
        ("2024-04-01T09:30", datetime(2024, 4, 1, 9, 30, tzinfo=UTC)),
        ("2024-04-01T09:30-04:00", datetime(2024, 4, 1, 13, 30, tzinfo=UTC)),
        ("2024-04-01T09:30:00Z", datetime(2024, 4, 1, 9, 30, tzinfo=UTC)),
    ],
)
def test_parse_since(text: str, expected: datetime) -> None:
    assert parse_since(text, now=datetime(2024, 5, 1, 12, 0, tzinfo=UTC)) == expected


@pytest.mark.parametrize("text", ["", "15", "m15", "2 days", "2024-13-01"])
def test_parse_since_refuses_other_text(text: str) -> None:
    with pytest.raises(SinceError):
        parse_since(text)


def test_payload_summary_skips_unset_fields_and_elides_nesting() -> None:
    payload = {"side": "buy", "note": None, "legs": [], "take_profit": {"limit_price": "1"}, "tags": [1, 2]}
    assert summarize_payload(payload) == "side=buy take_profit={…} tags=[2]"
    assert summarize_payload({"text": "x" * 100}, width=10) == "text=xxxx…"
