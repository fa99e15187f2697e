"""A process that appends to a journal as fast as it can, for the SIGKILL durability test.

Usage: ``python journal_writer_proc.py JOURNAL_PATH THREADS``. Each thread appends rows in a loop; after
each append returns, the line ``SEQ WORKER I`` is printed and flushed, so every printed seq was committed
before it was reported. The test kills this process with SIGKILL and checks the reported rows survived.
"""

from __future__ import annotations

import sys
import threading
from decimal import Decimal
from typing import Any

from console.journal import Journal, JournalKind

MAX_ROWS_PER_THREAD = 200_000
"""A bound, so a test that fails to kill the writer does not leave it running forever."""


def expected_payload(worker: int, index: int) -> dict[str, Any]:
    """The payload row ``index`` of ``worker`` carries; varied in size so rows straddle WAL pages."""
    return {
        "worker": worker,
        "i": index,
        "price": Decimal(index) / 100 + Decimal("100.005"),
        "note": "x" * (index % 300),
    }


def main() -> None:
    path, threads = sys.argv[1], int(sys.argv[2])
    journal = Journal.open(path)
    print_lock = threading.Lock()

    def write(worker: int) -> None:
        for index in range(MAX_ROWS_PER_THREAD):
            seq = journal.append(
                JournalKind.FILL, expected_payload(worker, index), symbol="AAPL", strategy=f"w{worker}"
            )
            with print_lock:
                sys.stdout.write(f"{seq} {worker} {index}\n")
                sys.stdout.flush()

    workers = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()


if __name__ == "__main__":
    main()
