"""Client order ids: tagged, unique within a run and across runs started together."""

from console.order_ids import OrderIdMinter, tag_of


def test_ids_carry_the_strategy_tag_and_count_up() -> None:
    minter = OrderIdMinter("run1")
    assert minter.mint("sma_rsi") == "sma_rsi.run1.1"
    assert minter.mint() == "man.run1.2"


def test_tag_of_names_the_strategy_and_not_manual_orders() -> None:
    assert tag_of("sma_rsi.run1.1") == "sma_rsi"
    assert tag_of("man.run1.2") is None
    assert tag_of("foreign-id") is None


def test_two_runs_started_in_the_same_second_do_not_collide() -> None:
    first, second = OrderIdMinter(), OrderIdMinter()
    assert first.mint() != second.mint()


def test_ids_fit_alpaca_limit() -> None:
    assert len(OrderIdMinter().mint("x" * 200)) <= 128
