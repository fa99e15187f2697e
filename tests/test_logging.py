"""Logging: JSON lines in a rotating file, short warnings on stderr, and secrets never written anywhere."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.config import load_settings
from console.logging_setup import (
    LOG_FILE,
    RedactSecrets,
    configure_logging,
    quiet_stderr,
    redact,
    register_secret,
    shutdown_logging,
)
from console.settings_schema import PathSettings, Settings

KEY_ID = "PKTESTKEYID7Q2W9ZXCV"
SECRET = "s3cr3tVALUEthatMUSTneverLEAK0123456789ab"

log = logging.getLogger("console.test_logging")


@pytest.fixture(autouse=True)
def clean_logging() -> Iterator[None]:
    yield
    shutdown_logging()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(paths=PathSettings(data_dir=tmp_path / "data", log_dir=tmp_path / "logs"))


def log_lines(settings: Settings) -> list[dict[str, str]]:
    assert settings.paths.log_dir is not None
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (settings.paths.log_dir / LOG_FILE).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_secrets_loaded_from_the_environment_never_reach_the_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo_file = tmp_path / "repo-settings.yaml"
    repo_file.write_text("ui:\n  theme: dark\n")
    user_file = tmp_path / "user-settings.yaml"
    user_file.write_text(f"paths:\n  data_dir: {tmp_path / 'data'}\n  log_dir: {tmp_path / 'logs'}\n")
    loaded = load_settings(
        config_path=user_file,
        repo_file=repo_file,
        env={"APCA_API_KEY_ID": KEY_ID, "APCA_API_SECRET_KEY": SECRET},
    )
    configure_logging(loaded.settings, secrets=loaded.secret_values())

    log.info("connecting with key %s and secret %s", KEY_ID, SECRET)
    log.warning(f"headers {{'APCA-API-KEY-ID': '{KEY_ID}', 'APCA-API-SECRET-KEY': '{SECRET}'}}")
    try:
        raise RuntimeError(f"auth failed for secret={SECRET}")
    except RuntimeError:
        log.exception("login failed")

    text = (tmp_path / "logs" / LOG_FILE).read_text(encoding="utf-8")
    stderr = capsys.readouterr().err
    for output in (text, stderr):
        assert SECRET not in output
        assert KEY_ID not in output
        assert "***" in output
    assert "auth failed for secret=***" in text


def test_each_line_is_one_json_object_with_the_expected_fields(settings: Settings) -> None:
    configure_logging(settings)
    log.info("hello %s", "world")
    (line,) = log_lines(settings)
    assert line["message"] == "hello world"
    assert line["level"] == "INFO"
    assert line["logger"] == "console.test_logging"
    assert line["thread"] == "MainThread"
    assert line["ts"].endswith("+00:00")
    assert "exc" not in line


def test_an_exception_is_logged_with_its_traceback(settings: Settings) -> None:
    configure_logging(settings)
    try:
        1 / 0  # noqa: B018
    except ZeroDivisionError:
        log.exception("sum failed")
    (line,) = log_lines(settings)
    assert line["message"] == "sum failed"
    assert "Traceback" in line["exc"] and "ZeroDivisionError" in line["exc"]


def test_configuring_twice_does_not_duplicate_lines(settings: Settings) -> None:
    configure_logging(settings)
    configure_logging(settings)
    log.warning("once")
    assert [line["message"] for line in log_lines(settings)] == ["once"]


def test_stderr_gets_short_warnings_but_not_info(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(settings)
    log.info("quiet detail")
    try:
        raise ValueError("bad price")
    except ValueError:
        log.error("order refused", exc_info=True)
    err = capsys.readouterr().err
    assert "quiet detail" not in err
    assert err == "ERROR console.test_logging: order refused (ValueError: bad price)\n"


def test_quiet_stderr_silences_the_terminal_but_not_the_file(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(settings)
    quiet_stderr()
    log.warning("while the screen is Textual's")
    assert capsys.readouterr().err == ""
    quiet_stderr(False)
    log.warning("after the console left")
    assert "after the console left" in capsys.readouterr().err
    assert [line["message"] for line in log_lines(settings)] == [
        "while the screen is Textual's",
        "after the console left",
    ]


def test_a_secret_registered_later_is_masked_too(settings: Settings) -> None:
    configure_logging(settings)
    register_secret("late-token-5501")
    log.warning("token late-token-5501 issued")
    assert log_lines(settings)[0]["message"] == "token *** issued"


def test_alpaca_credential_shapes_are_masked_even_unregistered() -> None:
    assert redact("APCA-API-SECRET-KEY: abcdefgh") == "APCA-API-SECRET-KEY: ***"
    assert redact("{'APCA-API-KEY-ID': 'PK123', 'x': 1}") == "{'APCA-API-KEY-ID': '***', 'x': 1}"
    assert redact("APCA_API_SECRET_KEY=zzz9 next") == "APCA_API_SECRET_KEY=*** next"
    assert redact("Authorization: Bearer tok.en") == "Authorization: Bearer ***"


def test_too_short_values_are_not_treated_as_secrets() -> None:
    register_secret("ab")
    register_secret(None)
    assert redact("a cab") == "a cab"


def test_bad_format_arguments_do_not_break_the_caller() -> None:
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "two %s %s", ("only-one",), None)
    assert RedactSecrets().filter(record)
    assert "only-one" in record.getMessage()


def test_an_unusable_log_folder_falls_back_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    configure_logging(Settings(paths=PathSettings(log_dir=blocked / "logs")))
    assert "logging to stderr only" in capsys.readouterr().err
