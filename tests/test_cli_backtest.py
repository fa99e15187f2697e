"""``btconsole backtest``: a table, JSON, an SVG plot, and one-sentence errors with exit 2."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.cli import main
from console.logging_setup import shutdown_logging

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ORCL = DATA / "orcl-1995-2014.txt"
needs_data = pytest.mark.skipif(not DATA.exists(), reason=f"the sample data folder {DATA} is absent")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An isolated world: an empty user config folder and every per-user folder under tmp_path."""
    for variable, folder in (
        ("XDG_DATA_HOME", "data-home"),
        ("XDG_CACHE_HOME", "cache-home"),
        ("XDG_STATE_HOME", "state-home"),
        ("XDG_CONFIG_HOME", "config-home"),
        ("BTCONSOLE_CONFIG_DIR", "config"),
    ):
        monkeypatch.setenv(variable, str(tmp_path / folder))
    monkeypatch.setenv("COLUMNS", "200")
    data = tmp_path / "data"
    data.mkdir()
    yield data
    shutdown_logging()


def backtest(data_dir: Path, *args: str) -> int:
    logs = data_dir.parent / "logs"
    return main(["--data-dir", str(data_dir), "--set", f"paths.log_dir={logs}", "backtest", *args])


@needs_data
def test_csv_backtest_prints_the_summary_table(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = backtest(data_dir, "sma_rsi", "--data", str(ORCL), "--from", "2005-01-01", "--to", "2014-12-31")
    out = capsys.readouterr().out
    assert code == 0
    for label in ("Total return", "Sharpe", "Sortino", "Max drawdown", "Win rate", "Profit factor"):
        assert label in out
    assert "103,113.83" in out  # the golden final value of this range


@needs_data
def test_json_holds_the_final_value_and_the_trades(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = backtest(
        data_dir,
        "sma_rsi:SmaRsi",
        "--data",
        str(ORCL),
        "--from",
        "2005-01-01",
        "--to",
        "2014-12-31",
        "--json",
    )
    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    assert payload["final_value"] == "103113.83"
    assert payload["symbols"] == ["ORCL"]
    assert len(payload["trades"]) == payload["metrics"]["trades"] == 153
    first = payload["trades"][0]
    assert set(first) == {
        "symbol", "side", "size", "entry_time", "exit_time", "entry_price", "exit_price", "pnl"
    }  # fmt: skip
    assert isinstance(first["pnl"], str)


def test_sim_history_backtest_writes_an_svg_plot(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plot = tmp_path / "equity.svg"
    code = backtest(
        data_dir,
        "atr_breakout",
        "--symbols",
        "AAPL",
        "--timeframe",
        "1Day",
        "--from",
        "2023-01-01",
        "--to",
        "2025-12-31",
        "--cash",
        "50000",
        "--plot",
        str(plot),
    )
    assert code == 0
    assert "Final value" in capsys.readouterr().out
    svg = plot.read_text()
    assert svg.startswith("<svg") and "<polyline" in svg


def test_sim_history_backtest_is_deterministic(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ("bollinger_reversion", "--symbols", "MSFT,NVDA", "--timeframe", "1day", "--json")
    assert backtest(data_dir, *args) == 0
    first = json.loads(capsys.readouterr().out)
    assert backtest(data_dir, *args) == 0
    assert json.loads(capsys.readouterr().out) == first
    assert first["symbols"] == ["MSFT", "NVDA"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nope",), "no strategy 'nope'"),
        (("sma_rsi", "--from", "2024-13-01"), "--from '2024-13-01' is not a date"),
        (("sma_rsi", "--from", "2024-02-01", "--to", "2024-01-01"), "is after --to"),
        (("sma_rsi", "--timeframe", "2Min"), "--timeframe '2Min' is not one of"),
        (("sma_rsi", "--cash", "-5"), "--cash '-5' is not a positive amount"),
        (("sma_rsi", "--symbols", "not a symbol!"), "is not a valid symbol"),
        (("sma_rsi", "--data", "/no/such/file.csv"), "file.csv: the file cannot be read"),
    ],
)
def test_errors_are_one_sentence_and_exit_2(
    data_dir: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code = backtest(data_dir, *args)
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_a_bad_csv_names_the_file_and_line(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Date,Open,High,Low,Close,Volume,OpenInterest\n2024-01-02,1,2,x,1,0,0\n")
    assert backtest(data_dir, "sma_rsi", "--data", str(bad)) == 2
    assert "bad.csv, line 2: the low 'x' is not a number" in capsys.readouterr().err


@needs_data
def test_no_data_in_the_range_exits_2(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert backtest(data_dir, "sma_rsi", "--data", str(ORCL), "--from", "2020-01-01") == 2
    assert "no bars of ORCL between 2020-01-01 and the end" in capsys.readouterr().err


FAST = "{name: fast, class: 'sma_rsi:SmaRsi', symbols: [AAPL], params: {sma_perod: 5}}"


def test_a_bad_param_in_settings_names_the_strategy_and_param(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "--data-dir", str(data_dir),
            "--set", f"paths.log_dir={data_dir.parent / 'logs'}",
            "--set", f"strategies=[{FAST}]",
            "backtest", "fast", "--timeframe", "1Day",
        ]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "strategy sma_rsi:SmaRsi has no param 'sma_perod'" in err
    assert len(err.strip().splitlines()) == 1


def test_a_broken_user_strategy_file_does_not_hide_the_shipped_ones(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    user = tmp_path / "mine"
    user.mkdir()
    (user / "broken.py").write_text("def oops(:\n")
    code = main(
        [
            "--data-dir", str(data_dir),
            "--set", f"paths.log_dir={data_dir.parent / 'logs'}",
            "--set", f"paths.strategies_dir={user}",
            "backtest", "sma_rsi", "--timeframe", "1Day", "--symbols", "AAPL", "--json",
        ]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0
    assert json.loads(captured.out)["strategy"] == "sma_rsi"
    assert "broken.py: syntax error at line 1" in captured.err
