"""``btconsole config`` through the real command line: effective settings, sources, secrets masked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.cli import main
from console.config import REPO_SETTINGS_FILE
from console.logging_setup import shutdown_logging

KEY_ID = "PKCLITESTKEYID"
SECRET = "cli-test-secret-value"


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """No real user settings, keys or folders: the user config folder is an empty one in tmp_path."""
    for name in list(os.environ):
        if name.upper().startswith(("BTCONSOLE_", "APCA_")):
            monkeypatch.delenv(name)
    config_dir = tmp_path / "user-config"
    config_dir.mkdir()
    monkeypatch.setenv("BTCONSOLE_CONFIG_DIR", str(config_dir))
    for folder in ("data_dir", "cache_dir", "log_dir"):  # main() sets up logging, which creates log_dir
        monkeypatch.setenv(f"BTCONSOLE_PATHS__{folder.upper()}", str(tmp_path / folder))
    monkeypatch.setenv("COLUMNS", "240")  # rich folds long cells on a narrow console
    yield config_dir
    shutdown_logging()


@pytest.fixture
def user_file(isolated: Path) -> Path:
    path = isolated / "settings.yaml"
    path.write_text(f"broker:\n  alpaca:\n    key_id: {KEY_ID}\nrisk:\n  max_open_orders: 7\n")
    return path


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main([*argv, "config", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_config_prints_settings_with_sources_and_exits_0(capsys, user_file):
    assert main(["--set", "ui.refresh_hz=20", "config"]) == 0
    out = capsys.readouterr().out
    assert "risk.max_open_orders" in out
    assert "flag (--set ui.refresh_hz=20)" in out
    assert f"user file: {user_file.resolve()}" in out
    assert f"repo settings.yaml: {REPO_SETTINGS_FILE}" in out


def test_config_masks_secrets(capsys, user_file, monkeypatch):
    monkeypatch.setenv("APCA_API_SECRET_KEY", SECRET)
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "**********" in out
    assert KEY_ID not in out
    assert SECRET not in out


def test_config_json_masks_secrets(capsys, user_file, monkeypatch):
    monkeypatch.setenv("APCA_API_SECRET_KEY", SECRET)
    document = run_json(capsys)
    assert document["settings"]["broker"]["alpaca"]["key_id"] == "**********"
    assert document["settings"]["broker"]["alpaca"]["secret_key"] == "**********"
    assert document["sources"]["broker.alpaca.secret_key"] == "environment (APCA_API_SECRET_KEY)"
    assert SECRET not in json.dumps(document)


def test_config_json_shows_unset_secret_as_null(capsys):
    document = run_json(capsys)
    assert document["settings"]["broker"]["alpaca"]["key_id"] is None
    assert document["sources"]["broker.alpaca.key_id"] == "default"


def test_config_json_names_each_layer(capsys, user_file, monkeypatch):
    monkeypatch.setenv("BTCONSOLE_RISK__ALLOW_SHORT", "false")
    sources = run_json(capsys, "--mode", "paper", "--set", "ui.refresh_hz=20")["sources"]
    assert sources["broker.mode"] == "flag (--mode paper)"
    assert sources["ui.refresh_hz"] == "flag (--set ui.refresh_hz=20)"
    assert sources["risk.allow_short"] == "environment (BTCONSOLE_RISK__ALLOW_SHORT)"
    assert sources["risk.max_open_orders"] == f"user file ({user_file.resolve()})"
    assert sources["ui.theme"] == f"repo settings.yaml ({REPO_SETTINGS_FILE})"
    assert sources["strategies[0].name"] == f"repo settings.yaml ({REPO_SETTINGS_FILE})"


def test_config_json_values_are_typed(capsys):
    settings = run_json(capsys, "--set", "ui.refresh_hz=20", "--set", "risk.allow_short=false")["settings"]
    assert settings["ui"]["refresh_hz"] == 20.0
    assert settings["risk"]["allow_short"] is False


def test_bad_config_file_exits_2_with_one_plain_message(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("risk:\n  max_order_notional: -5\n")
    assert main(["--config", str(bad), "config"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"btconsole: risk.max_order_notional in {bad.resolve()}: expected a number greater than 0, got -5\n"
    )


def test_missing_config_file_exits_2(capsys, tmp_path):
    assert main(["--config", str(tmp_path / "missing.yaml"), "config"]) == 2
    assert capsys.readouterr().err.startswith("btconsole: settings file ")


def test_bad_set_flag_exits_2(capsys):
    assert main(["--set", "risk.allow_short=maybe", "config"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "btconsole: risk.allow_short from flag --set risk.allow_short=maybe: "
        "expected true or false, got 'maybe'\n"
    )


def test_bad_config_in_a_real_process_prints_no_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("risk:\n  max_open_orders: [\n")
    result = subprocess.run(
        [sys.executable, "-m", "console", "--config", str(bad), "config"],
        capture_output=True,
        text=True,
        env=dict(os.environ),  # the isolated environment of the fixture
        cwd=REPO_SETTINGS_FILE.parent,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"btconsole: settings file {bad.resolve()}, line 3")
    assert result.stderr.count("\n") == 1
