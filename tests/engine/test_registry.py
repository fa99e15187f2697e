"""Strategy discovery: shipped strategies load, broken files are named, params are checked."""

from pathlib import Path

import pytest

from console.engine.registry import StrategyError, default_dirs, discover, validate_params

GOOD = '''
import backtrader as bt


class Trend(bt.Strategy):
    """Follows the trend."""

    params = (("period", 10), ("scale", 1.5), ("label", "x"), ("flag", False))


class Other(bt.Strategy):
    pass
'''


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "trend.py").write_text(GOOD)
    (tmp_path / "syntax.py").write_text("import backtrader as bt\n\nclass Broken(bt.Strategy:\n    pass\n")
    (tmp_path / "missing.py").write_text("import no_such_module_here\n")
    (tmp_path / "raises.py").write_text("raise RuntimeError('boom at import')\n")
    (tmp_path / "_helper.py").write_text("raise RuntimeError('never loaded')\n")
    return tmp_path


def test_shipped_strategies_are_discovered_with_params_and_docs() -> None:
    catalog = discover(default_dirs())
    assert {"sma_rsi:SmaRsi", "bollinger_reversion:BollingerReversion", "atr_breakout:AtrBreakout"} <= set(
        catalog.strategies
    )
    assert catalog.problems == []
    info = catalog.strategies["sma_rsi:SmaRsi"]
    assert info.params["sma_period"] == 20
    assert info.params["risk_per_trade"] == 0.01
    assert info.doc


def test_a_broken_file_is_one_problem_naming_it_and_the_others_still_load(folder: Path) -> None:
    catalog = discover([folder])
    assert set(catalog.strategies) == {"trend:Trend", "trend:Other"}
    assert len(catalog.problems) == 3
    syntax = next(p for p in catalog.problems if "syntax.py" in p)
    assert "line 3" in syntax
    assert any("missing.py" in p and "no_such_module_here" in p for p in catalog.problems)
    assert any("raises.py" in p and "boom at import" in p for p in catalog.problems)


def test_refs_resolve_by_file_class_or_file_and_class(folder: Path) -> None:
    catalog = discover([folder])
    assert catalog.resolve("trend:Other").cls.__name__ == "Other"
    assert catalog.resolve("trend").cls.__name__ == "Trend"  # the first defined in the file
    assert catalog.resolve("trend.py").cls.__name__ == "Trend"
    assert catalog.resolve("Other").name == "trend:Other"


def test_an_unknown_ref_is_a_sentence_listing_the_known_ones(folder: Path) -> None:
    with pytest.raises(StrategyError, match="no strategy 'nope'; known strategies: trend:Trend"):
        discover([folder]).resolve("nope")


def test_a_class_in_two_folders_is_ambiguous_by_class_name(folder: Path, tmp_path_factory) -> None:
    second = tmp_path_factory.mktemp("user")
    (second / "trend2.py").write_text(GOOD)
    with pytest.raises(StrategyError, match="ambiguous"):
        discover([folder, second]).resolve("Other")


def test_the_same_file_and_class_in_a_later_folder_is_skipped_as_a_problem(
    folder: Path, tmp_path_factory
) -> None:
    second = tmp_path_factory.mktemp("user")
    (second / "trend.py").write_text(GOOD)
    catalog = discover([folder, second])
    assert catalog.strategies["trend:Trend"].path == folder / "trend.py"
    assert any("already defined" in p for p in catalog.problems)


def test_valid_params_pass_and_ints_widen_to_float(folder: Path) -> None:
    info = discover([folder]).resolve("trend")
    assert validate_params(info, {"period": 5, "scale": 2, "flag": True}) == {
        "period": 5,
        "scale": 2.0,
        "flag": True,
    }


def test_an_unknown_param_names_the_strategy_and_the_param(folder: Path) -> None:
    info = discover([folder]).resolve("trend")
    with pytest.raises(StrategyError, match=r"trend:Trend has no param 'perod'; its params are: period"):
        validate_params(info, {"perod": 5})


@pytest.mark.parametrize(
    ("name", "value"), [("period", "10"), ("period", 2.5), ("period", True), ("label", 3), ("flag", 1)]
)
def test_a_value_of_the_wrong_type_names_the_strategy_and_the_param(folder: Path, name, value) -> None:
    info = discover([folder]).resolve("trend")
    with pytest.raises(StrategyError, match=rf"strategy trend:Trend param '{name}' must be a"):
        validate_params(info, {name: value})
