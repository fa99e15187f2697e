"""The audit journal: append-only, durable per row, thread-safe, and exact about amounts."""

from __future__ import annotations

import importlib.util
import math
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from console.domain.enums import OrderType, Side
from console.domain.orders import OrderRequest
from console.journal import SCHEMA_VERSION, Journal, JournalError, JournalKind

WRITER_SCRIPT = Path(__file__).with_name("journal_writer_proc.py")


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "journal.sqlite3"


@pytest.fixture
def journal(path: Path) -> Iterator[Journal]:
    with Journal.open(path) as opened:
        yield opened


def raw(path: Path, statement: str) -> list[tuple]:  # type: ignore[type-arg]
    """Run ``statement`` on a plain SQLite connection, as any other client (or an attacker) could."""
    with closing(sqlite3.connect(path, isolation_level=None)) as connection:
        return connection.execute(statement).fetchall()


# --- appending and reading -------------------------------------------------------------------------------


def test_append_returns_increasing_sequence_numbers(journal: Journal) -> None:
    seqs = [journal.append(JournalKind.SESSION, {"n": n}) for n in range(5)]
    assert seqs == [1, 2, 3, 4, 5]
    assert journal.last_seq() == 5


def test_an_empty_journal_has_last_seq_zero(journal: Journal) -> None:
    assert journal.last_seq() == 0
    assert journal.query() == []


def test_a_row_keeps_every_column(journal: Journal) -> None:
    moment = datetime(2024, 5, 1, 13, 30, 0, 123456, tzinfo=UTC)
    seq = journal.append(
        JournalKind.BROKER_EVENT,
        {"event": "new"},
        order_id="b-1",
        client_order_id="sma-1",
        symbol="AAPL",
        strategy="sma",
        ts=moment,
    )
    (entry,) = journal.query()
    assert (entry.seq, entry.ts, entry.kind) == (seq, moment, JournalKind.BROKER_EVENT)
    assert (entry.order_id, entry.client_order_id, entry.symbol, entry.strategy) == (
        "b-1",
        "sma-1",
        "AAPL",
        "sma",
    )
    assert entry.payload == {"event": "new"}


def test_timestamps_are_stored_as_utc_iso_text_with_microseconds(journal: Journal, path: Path) -> None:
    new_york = timezone(timedelta(hours=-4))
    journal.append(JournalKind.FILL, {}, ts=datetime(2024, 5, 1, 9, 30, tzinfo=new_york))
    stored = raw(path, "SELECT ts FROM journal")[0][0]
    assert stored == "2024-05-01T13:30:00.000000+00:00"


def test_a_naive_timestamp_is_refused(journal: Journal) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        journal.append(JournalKind.FILL, {}, ts=datetime(2024, 5, 1, 9, 30))
    assert journal.last_seq() == 0


def test_an_unknown_kind_is_refused(journal: Journal) -> None:
    with pytest.raises(ValueError):
        journal.append("gossip", {})
    assert journal.last_seq() == 0


def test_a_kind_given_as_text_is_accepted(journal: Journal) -> None:
    journal.append("fill", {})
    assert journal.query()[0].kind is JournalKind.FILL


# --- payloads --------------------------------------------------------------------------------------------


def test_decimals_round_trip_as_strings_never_floats(journal: Journal, path: Path) -> None:
    journal.append(JournalKind.FILL, {"price": Decimal("187.10"), "qty": Decimal("0.000001")})
    assert journal.query()[0].payload == {"price": "187.10", "qty": "0.000001"}
    stored = raw(path, "SELECT payload FROM journal")[0][0]
    assert '"price":"187.10"' in stored


def test_a_pydantic_model_is_stored_as_its_json_dump(journal: Journal) -> None:
    request = OrderRequest(
        symbol="AAPL", side=Side.BUY, type=OrderType.LIMIT, qty=Decimal(10), limit_price=Decimal("187.25")
    )
    journal.append(JournalKind.ORDER_INTENT, request, symbol="AAPL")
    assert journal.query()[0].payload == request.model_dump(mode="json")
    assert journal.query()[0].payload["limit_price"] == "187.25"


def test_nested_models_datetimes_and_exceptions_are_encoded(journal: Journal) -> None:
    request = OrderRequest(symbol="MSFT", qty=Decimal(1))
    moment = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    journal.append(JournalKind.ERROR, {"request": request, "at": moment, "error": ValueError("boom")})
    payload = journal.query()[0].payload
    assert payload["request"]["qty"] == "1"
    assert payload["at"] == "2024-01-02T03:04:05.000000+00:00"
    assert payload["error"] == {"type": "ValueError", "message": "boom"}


def test_a_non_finite_float_is_refused_rather_than_stored_as_invalid_json(journal: Journal) -> None:
    with pytest.raises(ValueError):
        journal.append(JournalKind.FILL, {"price": math.nan})
    assert journal.last_seq() == 0


def test_a_value_without_a_json_form_is_refused(journal: Journal) -> None:
    with pytest.raises(TypeError, match="cannot write a object"):
        journal.append(JournalKind.FILL, {"thing": object()})
    assert journal.last_seq() == 0


# --- filters ---------------------------------------------------------------------------------------------


@pytest.fixture
def filled(journal: Journal) -> Journal:
    """Six rows across kinds, symbols, strategies and days."""
    day = datetime(2024, 5, 1, tzinfo=UTC)
    rows = [
        (JournalKind.ORDER_INTENT, "AAPL", "sma", "sma-1", None, day),
        (JournalKind.RISK_DECISION, "AAPL", "sma", "sma-1", None, day),
        (JournalKind.BROKER_EVENT, "AAPL", "sma", "sma-1", "b-1", day + timedelta(days=1)),
        (JournalKind.FILL, "AAPL", "sma", "sma-1", "b-1", day + timedelta(days=1)),
        (JournalKind.FILL, "MSFT", "rsi", "rsi-1", "b-2", day + timedelta(days=2)),
        (JournalKind.OPERATOR, None, None, None, None, day + timedelta(days=3)),
    ]
    for kind, symbol, strategy, client_id, order_id, ts in rows:
        journal.append(
            kind, {}, symbol=symbol, strategy=strategy, client_order_id=client_id, order_id=order_id, ts=ts
        )
    return journal


def seqs(entries: list) -> list[int]:  # type: ignore[type-arg]
    return [entry.seq for entry in entries]


def test_query_filters_by_kinds(filled: Journal) -> None:
    assert seqs(filled.query(kinds=[JournalKind.FILL])) == [4, 5]
    assert seqs(filled.query(kinds=["order_intent", "operator"])) == [1, 6]
    assert filled.query(kinds=[]) == []


def test_query_filters_by_symbol_and_strategy(filled: Journal) -> None:
    assert seqs(filled.query(symbol="MSFT")) == [5]
    assert seqs(filled.query(strategy="sma")) == [1, 2, 3, 4]
    assert seqs(filled.query(strategy="sma", kinds=[JournalKind.FILL])) == [4]


def test_query_filters_by_order_ids(filled: Journal) -> None:
    assert seqs(filled.query(client_order_id="sma-1")) == [1, 2, 3, 4]
    assert seqs(filled.query(order_id="b-2")) == [5]


def test_query_filters_by_time_and_sequence(filled: Journal) -> None:
    assert seqs(filled.query(since=datetime(2024, 5, 2, tzinfo=UTC))) == [3, 4, 5, 6]
    assert seqs(filled.query(since=datetime(2024, 5, 2, 20, tzinfo=timezone(timedelta(hours=-5))))) == [6]
    assert seqs(filled.query(after_seq=4)) == [5, 6]


def test_query_limit_keeps_the_oldest_and_tail_the_latest(filled: Journal) -> None:
    assert seqs(filled.query(limit=2)) == [1, 2]
    assert seqs(filled.tail(2)) == [5, 6]
    assert seqs(filled.tail(2, symbol="AAPL")) == [3, 4]
    assert seqs(filled.tail(100)) == [1, 2, 3, 4, 5, 6]


def test_iter_entries_reads_every_match_across_pages(filled: Journal) -> None:
    assert seqs(list(filled.iter_entries(page_size=2))) == [1, 2, 3, 4, 5, 6]
    assert seqs(list(filled.iter_entries(page_size=1, symbol="AAPL", after_seq=1))) == [2, 3, 4]


def test_a_kind_this_version_does_not_know_is_read_as_text(journal: Journal, path: Path) -> None:
    raw(
        path, "INSERT INTO journal (ts, kind, payload) VALUES ('2024-01-01T00:00:00.000000+00:00', 'x', '{}')"
    )
    assert journal.query()[0].kind == "x"


# --- append-only, schema, reopening ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement", ["UPDATE journal SET payload = '{}'", "UPDATE journal SET seq = 99", "DELETE FROM journal"]
)
def test_the_database_refuses_to_change_or_delete_rows(journal: Journal, path: Path, statement: str) -> None:
    journal.append(JournalKind.FILL, {"qty": "1"})
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw(path, statement)
    assert journal.query()[0].payload == {"qty": "1"}


def test_the_journal_is_in_wal_mode_with_a_schema_version(journal: Journal, path: Path) -> None:
    assert raw(path, "PRAGMA journal_mode") == [("wal",)]
    assert raw(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


def test_reopening_keeps_every_row_and_continues_the_sequence(path: Path) -> None:
    with Journal.open(path) as first:
        first.append(JournalKind.SESSION, {"run": 1})
        first.append(JournalKind.SESSION, {"run": 1})
    with Journal.open(path) as second:
        assert second.append(JournalKind.SESSION, {"run": 2}) == 3
        assert [e.payload["run"] for e in second.query()] == [1, 1, 2]


def test_a_journal_from_a_newer_version_is_refused(path: Path) -> None:
    Journal.open(path).close()
    raw(path, f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(JournalError, match="newer btconsole"):
        Journal.open(path)


def test_a_database_that_is_not_a_journal_is_refused(path: Path) -> None:
    raw(path, "CREATE TABLE something_else (x)")
    with pytest.raises(JournalError, match="not a btconsole journal"):
        Journal.open(path)


def test_a_file_that_is_not_a_database_is_refused(path: Path) -> None:
    path.write_text("hello, I am a text file and not SQLite at all" * 10)
    with pytest.raises(JournalError, match="cannot open the journal"):
        Journal.open(path)


def test_read_only_opening_needs_an_existing_journal_and_cannot_write(path: Path) -> None:
    with pytest.raises(JournalError):
        Journal.open(path, readonly=True)
    assert not path.exists()
    Journal.open(path).close()
    with Journal.open(path, readonly=True) as reader, pytest.raises(JournalError, match="cannot write"):
        reader.append(JournalKind.FILL, {})


def test_a_reader_sees_rows_a_writer_committed(path: Path) -> None:
    with Journal.open(path) as writer, Journal.open(path, readonly=True) as reader:
        writer.append(JournalKind.FILL, {"n": 1})
        assert reader.last_seq() == 1


def test_a_closed_journal_says_so(journal: Journal) -> None:
    journal.close()
    journal.close()
    with pytest.raises(JournalError, match="closed"):
        journal.append(JournalKind.FILL, {})


def test_full_synchronous_mode_is_available(path: Path) -> None:
    with Journal.open(path, synchronous="FULL") as journal:
        assert journal.append(JournalKind.FILL, {}) == 1


# --- concurrency and crashes -----------------------------------------------------------------------------


def test_concurrent_appends_from_eight_threads_all_land_with_unique_increasing_seqs(journal: Journal) -> None:
    threads, per_thread = 8, 500
    returned: dict[int, list[int]] = {}
    start = threading.Barrier(threads)

    def work(worker: int) -> None:
        start.wait()  # all threads append at once, for the most contention
        returned[worker] = [
            journal.append(JournalKind.FILL, {"worker": worker, "i": i}, strategy=f"w{worker}")
            for i in range(per_thread)
        ]

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()

    everything = [seq for mine in returned.values() for seq in mine]
    assert sorted(everything) == list(range(1, threads * per_thread + 1))
    for mine in returned.values():
        assert mine == sorted(mine)
    for entry in journal.query():
        worker = entry.payload["worker"]
        assert returned[worker][entry.payload["i"]] == entry.seq


def load_writer_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("journal_writer_proc", WRITER_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def kill_writer_after(path: Path, rows: int) -> list[tuple[int, int, int]]:
    """Run the writer process, SIGKILL it once it has reported ``rows`` commits; return every report."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    process = subprocess.Popen(
        [sys.executable, str(WRITER_SCRIPT), str(path), "4"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    # Not a timing assertion: only stops a hung writer from hanging the test run.
    watchdog = threading.Timer(120, process.kill)
    watchdog.start()
    try:
        assert process.stdout is not None
        lines: list[str] = []
        while len(lines) < rows:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
        assert len(lines) >= rows, f"writer stopped early: {process.stderr.read() if process.stderr else ''}"
        process.send_signal(signal.SIGKILL)
        rest, _ = process.communicate()
    finally:
        watchdog.cancel()
    assert process.returncode == -signal.SIGKILL
    lines.extend(rest.splitlines(keepends=True))
    complete = [line.split() for line in lines if line.endswith("\n")]
    return [(int(seq), int(worker), int(index)) for seq, worker, index in complete]


def test_sigkill_while_writing_loses_no_committed_row(path: Path) -> None:
    writer = load_writer_module()
    reported: list[tuple[int, int, int]] = []
    for _ in range(3):  # crash, reopen and crash again: recovery must hold each time
        reported += kill_writer_after(path, rows=400)

        assert raw(path, "PRAGMA integrity_check") == [("ok",)]
        with Journal.open(path) as reopened:
            entries = {entry.seq: entry for entry in reopened.query()}
        assert sorted(entries) == list(range(1, len(entries) + 1))  # no holes, no torn rows
        for seq, worker, index in reported:
            expected = writer.expected_payload(worker, index)
            expected["price"] = str(expected["price"])
            assert entries[seq].payload == expected
            assert entries[seq].strategy == f"w{worker}"
