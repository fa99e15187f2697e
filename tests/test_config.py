"""Settings layering, provenance and error messages of ``console.config.load_settings``.

Every test passes an explicit repo file and environment, so none reads the developer's real settings.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from console.config import REPO_SETTINGS_FILE, ConfigError, LoadedSettings, load_settings
from console.domain.enums import Mode
from console.settings_schema import Settings


@pytest.fixture
def repo_file(tmp_path: Path) -> Path:
    """Where the repo's settings.yaml would be; absent unless a test writes it."""
    return tmp_path / "repo" / "settings.yaml"


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    """The user config folder, via BTCONSOLE_CONFIG_DIR; empty unless a test writes settings.yaml."""
    folder = tmp_path / "user-config"
    folder.mkdir()
    return folder


@pytest.fixture
def env(user_dir: Path) -> dict[str, str]:
    """A clean environment that points the user settings file into tmp_path."""
    return {"BTCONSOLE_CONFIG_DIR": str(user_dir)}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(repo_file: Path, env: dict[str, str], **kwargs: Any) -> LoadedSettings:
    return load_settings(repo_file=repo_file, env=env, **kwargs)


def config_error(repo_file: Path, env: dict[str, str], **kwargs: Any) -> str:
    with pytest.raises(ConfigError) as caught:
        load(repo_file, env, **kwargs)
    return str(caught.value)


# --- layering ------------------------------------------------------------------------------------------


def test_code_defaults_apply_when_no_layer_says_anything(repo_file, env):
    loaded = load(repo_file, env)
    assert loaded.settings == Settings()
    assert set(loaded.sources.values()) == {"default"}


def test_repo_file_overrides_defaults(repo_file, env):
    write(repo_file, "risk:\n  max_open_orders: 11\n")
    assert load(repo_file, env).settings.risk.max_open_orders == 11


def test_user_file_overrides_repo_file(repo_file, env, user_dir):
    write(repo_file, "risk:\n  max_open_orders: 11\n")
    write(user_dir / "settings.yaml", "risk:\n  max_open_orders: 22\n")
    assert load(repo_file, env).settings.risk.max_open_orders == 22


def test_config_path_replaces_the_user_file(repo_file, env, user_dir, tmp_path):
    write(user_dir / "settings.yaml", "risk:\n  max_open_orders: 22\n")
    chosen = write(tmp_path / "chosen.yaml", "risk:\n  max_open_orders: 33\n")
    assert load(repo_file, env, config_path=chosen).settings.risk.max_open_orders == 33


def test_environment_overrides_user_file(repo_file, env, user_dir):
    write(user_dir / "settings.yaml", "risk:\n  max_open_orders: 22\n")
    env["BTCONSOLE_RISK__MAX_OPEN_ORDERS"] = "44"
    assert load(repo_file, env).settings.risk.max_open_orders == 44


def test_flags_override_environment(repo_file, env):
    env["BTCONSOLE_RISK__MAX_OPEN_ORDERS"] = "44"
    loaded = load(repo_file, env, flags={"risk.max_open_orders": "55"})
    assert loaded.settings.risk.max_open_orders == 55


def test_layers_merge_key_by_key(repo_file, env, user_dir):
    write(
        repo_file,
        "risk:\n  max_open_orders: 11\n  allow_short: false\nsim:\n  symbols:\n    AAPL: {price: 190}\n",
    )
    write(
        user_dir / "settings.yaml", "risk:\n  max_open_orders: 22\nsim:\n  symbols:\n    MSFT: {price: 420}\n"
    )
    settings = load(repo_file, env).settings
    assert settings.risk.max_open_orders == 22
    assert settings.risk.allow_short is False
    assert set(settings.sim.symbols) == {"AAPL", "MSFT"}


def test_absent_repo_and_user_files_are_skipped(repo_file, env):
    assert not repo_file.exists()
    assert load(repo_file, env).settings == Settings()


def test_config_path_that_does_not_exist_is_an_error(repo_file, env, tmp_path):
    missing = tmp_path / "nowhere.yaml"
    message = config_error(repo_file, env, config_path=missing)
    assert str(missing) in message
    assert "does not exist" in message


def test_empty_file_changes_nothing(repo_file, env, user_dir):
    write(user_dir / "settings.yaml", "# nothing yet\n")
    assert load(repo_file, env).settings == Settings()


# --- provenance ----------------------------------------------------------------------------------------


def test_sources_name_the_layer_of_each_value(repo_file, env, user_dir):
    write(repo_file, "ui:\n  theme: light\n")
    user_file = write(user_dir / "settings.yaml", "risk:\n  allow_short: false\n")
    env["BTCONSOLE_RISK__MAX_OPEN_ORDERS"] = "5"
    sources = load(repo_file, env, flags={"ui.refresh_hz": "20"}).sources
    assert sources["ui.theme"] == f"repo settings.yaml ({repo_file.resolve()})"
    assert sources["risk.allow_short"] == f"user file ({user_file.resolve()})"
    assert sources["risk.max_open_orders"] == "environment (BTCONSOLE_RISK__MAX_OPEN_ORDERS)"
    assert sources["ui.refresh_hz"] == "flag (--set ui.refresh_hz=20)"
    assert sources["risk.max_order_qty"] == "default"


def test_sources_cover_every_leaf_setting(repo_file, env):
    sources = load(repo_file, env).sources
    assert "broker.alpaca.key_id" in sources
    assert "sim.symbols" in sources  # an empty mapping is a leaf
    assert all(not key.endswith(".alpaca") for key in sources)


def test_value_replaced_by_a_higher_layer_takes_that_layers_source(repo_file, env, user_dir):
    write(repo_file, "watchlists:\n  default: [AAPL, MSFT]\n")
    user_file = write(user_dir / "settings.yaml", "watchlists:\n  default: [SPY]\n")
    loaded = load(repo_file, env)
    assert loaded.settings.watchlists["default"] == ["SPY"]
    assert loaded.sources["watchlists.default"] == f"user file ({user_file.resolve()})"


def test_dedicated_flags_are_named_by_their_option(repo_file, env):
    sources = load(repo_file, env, flags={"broker.mode": "paper"}).sources
    assert sources["broker.mode"] == "flag (--mode paper)"


def test_source_of_a_list_item_is_the_source_of_its_list(repo_file, env):
    write(repo_file, "strategies:\n  - name: a\n    class: a:A\n    symbols: [AAPL]\n")
    loaded = load(repo_file, env)
    assert loaded.source_of("strategies.0.name") == loaded.sources["strategies"]
    assert loaded.sources["strategies"].startswith("repo settings.yaml")


# --- environment ---------------------------------------------------------------------------------------


def test_prefixed_variables_nest_on_double_underscore(repo_file, env):
    env |= {
        "BTCONSOLE_RISK__MAX_OPEN_ORDERS": "5",
        "BTCONSOLE_BROKER__MODE": "paper",
        "BTCONSOLE_SIM__SYMBOLS__AAPL__PRICE": "190.5",
    }
    loaded = load(repo_file, env)
    assert loaded.settings.risk.max_open_orders == 5
    assert loaded.settings.broker.mode is Mode.PAPER
    assert str(loaded.settings.sim.symbols["AAPL"].price) == "190.5"
    assert loaded.sources["sim.symbols.AAPL.price"] == "environment (BTCONSOLE_SIM__SYMBOLS__AAPL__PRICE)"


def test_variable_holding_json_sets_a_whole_section(repo_file, env):
    env["BTCONSOLE_UI"] = '{"theme": "light", "refresh_hz": 30}'
    loaded = load(repo_file, env)
    assert (loaded.settings.ui.theme, loaded.settings.ui.refresh_hz) == ("light", 30)
    assert loaded.sources["ui.theme"] == "environment (BTCONSOLE_UI)"


def test_alpaca_variables_set_the_keys(repo_file, env):
    env |= {"APCA_API_KEY_ID": "PKTESTKEY", "APCA_API_SECRET_KEY": "s3cret-value"}
    loaded = load(repo_file, env)
    assert loaded.settings.broker.alpaca.key_id is not None
    assert loaded.settings.broker.alpaca.key_id.get_secret_value() == "PKTESTKEY"
    assert loaded.sources["broker.alpaca.secret_key"] == "environment (APCA_API_SECRET_KEY)"
    assert sorted(loaded.secret_values()) == ["PKTESTKEY", "s3cret-value"]


def test_exported_but_empty_alpaca_variable_is_no_key(repo_file, env):
    env["APCA_API_KEY_ID"] = ""
    loaded = load(repo_file, env)
    assert loaded.settings.broker.alpaca.key_id is None
    assert loaded.secret_values() == []


def test_unknown_section_variable_is_an_error(repo_file, env):
    env["BTCONSOLE_RISKK__MAX_OPEN_ORDERS"] = "5"
    message = config_error(repo_file, env)
    assert "BTCONSOLE_RISKK__MAX_OPEN_ORDERS" in message
    assert "did you mean risk" in message


def test_unknown_key_variable_names_the_variable_and_key(repo_file, env):
    env["BTCONSOLE_RISK__MAX_OPEN_ORDRS"] = "5"
    message = config_error(repo_file, env)
    assert "risk.max_open_ordrs from environment variable BTCONSOLE_RISK__MAX_OPEN_ORDRS" in message
    assert "unknown setting (did you mean risk.max_open_orders?)" in message


def test_variable_with_bad_json_is_an_error(repo_file, env):
    env["BTCONSOLE_UI"] = "{theme: light"
    assert "BTCONSOLE_UI is not valid JSON" in config_error(repo_file, env)


def test_bad_value_in_a_variable_names_the_variable(repo_file, env):
    env["BTCONSOLE_RISK__MAX_ORDER_NOTIONAL"] = "-5"
    assert config_error(repo_file, env) == (
        "risk.max_order_notional from environment variable BTCONSOLE_RISK__MAX_ORDER_NOTIONAL: "
        "expected a number greater than 0, got '-5'"
    )


def test_variable_updates_a_mapping_key_spelt_in_another_case(repo_file, env):
    write(repo_file, "sim:\n  symbols:\n    AAPL: {price: 190, vol: 0.25}\n")
    env["BTCONSOLE_SIM__SYMBOLS__AAPL__PRICE"] = "200"
    symbol = load(repo_file, env).settings.sim.symbols["AAPL"]
    assert (str(symbol.price), symbol.vol) == ("200", 0.25)


# --- flags ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "text", "read"),
    [
        ("ui.refresh_hz", "20", lambda s: s.ui.refresh_hz == 20.0),
        ("risk.allow_short", "false", lambda s: s.risk.allow_short is False),
        ("ui.default_watchlist", "null", lambda s: s.ui.default_watchlist is None),
        ("watchlists.mine", "[aapl, MSFT]", lambda s: s.watchlists["mine"] == ["AAPL", "MSFT"]),
        ("paths.data_dir", "2024", lambda s: s.paths.data_dir == Path("2024")),
        ("ui.default_watchlist", "1999", lambda s: s.ui.default_watchlist == "1999"),
    ],
)
def test_flag_text_is_read_as_yaml_unless_the_setting_is_text(repo_file, env, key, text, read):
    assert read(load(repo_file, env, flags={key: text}).settings)


def test_flag_values_that_are_not_text_pass_through(repo_file, env):
    assert load(repo_file, env, flags={"risk.max_open_orders": 7}).settings.risk.max_open_orders == 7


def test_flag_key_with_an_empty_part_is_an_error(repo_file, env):
    assert "'risk..x' is not a dotted settings key" in config_error(repo_file, env, flags={"risk..x": "1"})


def test_bad_flag_value_names_the_flag(repo_file, env):
    message = config_error(repo_file, env, flags={"ui.refresh_hz": "100"})
    assert (
        message == "ui.refresh_hz from flag --set ui.refresh_hz=100: expected a number of at most 60, got 100"
    )


# --- bad files -----------------------------------------------------------------------------------------


BAD_VALUES = {
    "risk:\n  max_order_notional: -5\n": (
        "risk.max_order_notional in {file}: expected a number greater than 0, got -5"
    ),
    "risk:\n  max_open_orders: many\n": "risk.max_open_orders in {file}: expected a whole number, got 'many'",
    "risk:\n  allow_short: maybe\n": "risk.allow_short in {file}: expected true or false, got 'maybe'",
    "risk:\n  max_open_ordrs: 3\n": (
        "risk.max_open_ordrs in {file}: unknown setting (did you mean risk.max_open_orders?)"
    ),
    "ui:\n  theme: blue\n": (
        "ui.theme in {file}: expected one of 'dark', 'light' or 'high-contrast', got 'blue'"
    ),
    "risk: 5\n": "risk in {file}: expected a mapping of keys to values, got 5",
    "sim:\n  symbols:\n    AAPL: {price: 0}\n": (
        "sim.symbols.AAPL.price in {file}: expected a number greater than 0, got 0"
    ),
    "strategies:\n  - {name: x, class: 'a:B'}\n": "strategies[0].symbols in {file}: required but not set",
    "watchlists:\n  tech: [AAPL, 'NOT A SYMBOL']\n": (
        "watchlists.tech[1] in {file}: 'NOT A SYMBOL' is not a valid symbol"
    ),
}
"""A user settings file's text -> the start of the error it must give."""


@pytest.mark.parametrize(("text", "expected"), BAD_VALUES.items(), ids=[t.split(":")[0] for t in BAD_VALUES])
def test_bad_value_names_file_key_path_and_expectation(repo_file, env, user_dir, text, expected):
    user_file = write(user_dir / "settings.yaml", text)
    assert config_error(repo_file, env).startswith(expected.format(file=user_file.resolve()))


def test_bad_symbol_as_a_mapping_key_names_its_section(repo_file, env, user_dir):
    user_file = write(user_dir / "settings.yaml", "sim:\n  symbols:\n    'bad sym': {price: 5}\n")
    message = config_error(repo_file, env)
    assert message.startswith(f"sim.symbols['bad sym'] in {user_file.resolve()}: ")
    assert "not a valid symbol" in message


def test_several_bad_values_are_listed_one_a_line(repo_file, env, user_dir):
    write(user_dir / "settings.yaml", "risk:\n  max_open_orders: 0\nui:\n  refresh_hz: 0\n")
    lines = config_error(repo_file, env).splitlines()
    assert lines[0] == "2 problems in the settings:"
    assert [line.strip().split(" ")[0] for line in lines[1:]] == ["risk.max_open_orders", "ui.refresh_hz"]


def test_yaml_syntax_error_names_file_and_line(repo_file, env, user_dir):
    user_file = write(user_dir / "settings.yaml", "risk:\n  max_open_orders: 5\n ui: [\n")
    message = config_error(repo_file, env)
    assert message.startswith(f"settings file {user_file.resolve()}, line 3")
    assert "not valid YAML" in message


def test_duplicate_key_is_an_error(repo_file, env, user_dir):
    write(user_dir / "settings.yaml", "risk:\n  max_open_orders: 5\n  max_open_orders: 6\n")
    assert "line 3, column 3: not valid YAML: duplicate key 'max_open_orders'" in config_error(repo_file, env)


def test_yaml_anchor_merge_may_be_overridden_without_a_duplicate_key_error(repo_file, env, user_dir):
    text = "sim:\n  symbols:\n    AAPL: &stock {price: 190, vol: 0.25}\n    MSFT: {<<: *stock, price: 420}\n"
    write(user_dir / "settings.yaml", text)
    symbol = load(repo_file, env).settings.sim.symbols["MSFT"]
    assert (str(symbol.price), symbol.vol) == ("420", 0.25)


def test_top_level_that_is_not_a_mapping_is_an_error(repo_file, env, user_dir):
    user_file = write(user_dir / "settings.yaml", "- risk\n- ui\n")
    assert config_error(repo_file, env) == (
        f"settings file {user_file.resolve()}: the top level must be a mapping of sections "
        "(broker:, risk:, ...), got a list"
    )


def test_file_that_is_not_utf8_is_an_error(repo_file, env, user_dir):
    (user_dir / "settings.yaml").write_bytes(b"ui:\n  theme: \xff\xfe\n")
    assert "is not UTF-8 text" in config_error(repo_file, env)


def test_config_path_that_is_a_folder_is_an_error(repo_file, env, tmp_path):
    message = config_error(repo_file, env, config_path=tmp_path)
    assert message.startswith(f"cannot read settings file {tmp_path.resolve()}: ")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs file permissions that bind")
def test_unreadable_file_is_an_error(repo_file, env, user_dir):
    user_file = write(user_dir / "settings.yaml", "ui:\n  theme: dark\n")
    user_file.chmod(0)
    assert (
        config_error(repo_file, env) == f"cannot read settings file {user_file.resolve()}: Permission denied"
    )


# --- secrets -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "variable"), [("key_id", "APCA_API_KEY_ID"), ("secret_key", "APCA_API_SECRET_KEY")]
)
def test_keys_in_the_repo_file_are_refused(repo_file, env, key, variable):
    write(repo_file, f"broker:\n  alpaca:\n    {key}: PKLEAKED\n")
    message = config_error(repo_file, env)
    assert (
        f"broker.alpaca.{key} must not be in the repository's settings file {repo_file.resolve()}" in message
    )
    assert variable in message
    assert "PKLEAKED" not in message


def test_keys_in_the_user_file_are_accepted(repo_file, env, user_dir):
    write(user_dir / "settings.yaml", "broker:\n  alpaca:\n    key_id: PKUSER\n    secret_key: user-secret\n")
    assert sorted(load(repo_file, env).secret_values()) == ["PKUSER", "user-secret"]


def test_bad_key_type_is_reported_without_echoing_the_key(repo_file, env, user_dir):
    write(user_dir / "settings.yaml", "broker:\n  alpaca:\n    key_id: 987654321\n")
    message = config_error(repo_file, env)
    assert "broker.alpaca.key_id" in message
    assert "987654321" not in message


def test_key_given_as_a_flag_is_masked_in_its_source(repo_file, env):
    loaded = load(repo_file, env, flags={"broker.alpaca.key_id": "PKFLAGKEY"})
    assert loaded.sources["broker.alpaca.key_id"] == "flag (--set broker.alpaca.key_id=**********)"
    assert loaded.secret_values() == ["PKFLAGKEY"]


def test_no_secret_values_when_no_keys_are_set(repo_file, env):
    assert load(repo_file, env).secret_values() == []


# --- the repository's settings.yaml --------------------------------------------------------------------


def test_repository_settings_file_is_valid(env):
    loaded = load_settings(env=env)
    settings = loaded.settings
    assert loaded.sources["broker.mode"] == f"repo settings.yaml ({REPO_SETTINGS_FILE})"
    assert settings.broker.mode is Mode.SIM
    assert settings.watchlists["default"] == ["AAPL", "MSFT", "NVDA", "AMZN", "SPY", "QQQ"]
    assert [s.name for s in settings.strategies] == ["sma_rsi"]
    assert settings.strategies[0].enabled is False
    assert settings.ui.default_watchlist in settings.watchlists


def test_repository_settings_file_prices_every_watchlist_symbol(env):
    settings = load_settings(env=env).settings
    listed = {symbol for symbols in settings.watchlists.values() for symbol in symbols}
    assert listed <= set(settings.sim.symbols)
