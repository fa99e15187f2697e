"""The settings schema: every section and field the console reads, with its default and meaning.

Kept apart from the loading logic in ``config.py`` so the schema reads as documentation. Every model
forbids unknown keys, so a misspelt key is an error naming its path rather than a silently ignored value.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr, field_validator

from console.domain.enums import AccountType, Mode, Timeframe
from console.domain.symbols import validate_symbol


class Section(BaseModel):
    """Base of every settings section: frozen, unknown keys forbidden."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


Symbol = Annotated[str, AfterValidator(validate_symbol)]
"""A ticker or OCC option symbol, upper-cased; a bad one names its exact key path in the error."""


class AlpacaSettings(Section):
    key_id: SecretStr | None = None
    """API key id. From APCA_API_KEY_ID or the user settings file, never the repo's settings.yaml."""
    secret_key: SecretStr | None = None
    """API secret. From APCA_API_SECRET_KEY or the user settings file, never the repo's settings.yaml."""
    url_override: str | None = None
    """One base URL for every Alpaca REST and stream endpoint (the offline emulator: http://127.0.0.1:P)."""
    request_timeout_s: float = Field(default=10.0, gt=0)
    """Timeout of every REST request."""
    rate_limit_per_minute: int = Field(default=200, gt=0)
    """Client-side token bucket shared by every caller."""
    stale_after_s: float = Field(default=30.0, gt=0)
    """A connected stream silent this long is flagged stale and restarted."""


class BrokerSettings(Section):
    mode: Mode = Mode.SIM
    """sim (default, offline), paper or live. Live also needs --live and a typed confirmation."""
    data_feed: Literal["iex", "sip"] = "iex"
    """Alpaca stock data feed."""
    alpaca: AlpacaSettings = AlpacaSettings()
    cancel_orders_on_exit: bool = False
    """On quit, cancel working orders (true) or leave them working at the broker (false)."""


class StrategySettings(Section):
    name: str = Field(min_length=1, pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")
    """Unique name; also the tag in every client_order_id this strategy sends."""
    strategy_class: str = Field(alias="class", min_length=1)
    """``file:Class`` or ``Class`` of a bt.Strategy in strategies/ or the user strategies folder."""
    symbols: list[Symbol] = Field(min_length=1)
    timeframe: Timeframe = Timeframe.MINUTE_1
    params: dict[str, Any] = {}
    """Keyword params passed to the strategy (its ``params`` tuple)."""
    enabled: bool = False
    """Start with the console."""
    max_notional: Decimal | None = Field(default=None, gt=0)
    """Risk budget: the most this strategy may hold, in dollars."""
    daily_loss_limit: Decimal | None = Field(default=None, gt=0)
    flatten_on_stop: bool = False

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class RiskSettings(Section):
    max_order_qty: Decimal = Field(default=Decimal(10_000), gt=0)
    max_order_notional: Decimal = Field(default=Decimal(250_000), gt=0)
    max_position_qty: Decimal = Field(default=Decimal(50_000), gt=0)
    max_position_notional: Decimal = Field(default=Decimal(500_000), gt=0)
    max_gross_exposure_pct: Decimal = Field(default=Decimal(200), gt=0)
    """Sum of absolute position values, working orders counted, as % of equity."""
    max_net_exposure_pct: Decimal = Field(default=Decimal(100), gt=0)
    max_open_orders: int = Field(default=200, gt=0)
    price_band_pct: Decimal = Field(default=Decimal(5), gt=0)
    """Fat-finger guard: a limit or stop price this far (%) from the NBBO is denied."""
    quote_max_age_s: float = Field(default=10.0, gt=0)
    """A market order needs a quote younger than this."""
    max_orders_per_second: int = Field(default=20, gt=0)
    max_orders_per_second_per_strategy: int = Field(default=5, gt=0)
    duplicate_window_s: float = Field(default=1.0, ge=0)
    """An identical order within this window is refused as a duplicate."""
    allow_short: bool = True
    allow_options: bool = True
    daily_loss_limit: Decimal = Field(default=Decimal(5_000), gt=0)
    max_drawdown_pct: Decimal = Field(default=Decimal(10), gt=0, lt=100)
    cancel_on_halt: bool = True
    flatten_on_halt: bool = False


class UiSettings(Section):
    theme: Literal["dark", "light", "high-contrast"] = "dark"
    refresh_hz: float = Field(default=10.0, gt=0, le=60)
    """How often quote-driven panes repaint."""
    default_watchlist: str | None = None


class SimSymbol(Section):
    price: Decimal = Field(gt=0)
    """Start price."""
    vol: float = Field(default=0.3, gt=0, le=5)
    """Annualised volatility (0.3 = 30%)."""


class SimSettings(Section):
    seed: int = 7
    """Same seed, same tape."""
    speed: float = Field(default=1.0, gt=0, le=10_000)
    """Clock speed factor: 1 is real time, 60 runs a minute a second."""
    tick_interval_ms: int = Field(default=250, gt=0)
    """Real-time interval between market steps."""
    calendar: Literal["always", "nyse"] = "always"
    """always open, or NYSE regular hours."""
    account_type: AccountType = AccountType.MARGIN
    starting_cash: Decimal = Field(default=Decimal(100_000), gt=0)
    allow_short: bool = True
    option_fee_per_contract: Decimal = Field(default=Decimal("0.65"), ge=0)
    equity_commission: Decimal = Field(default=Decimal(0), ge=0)
    default_vol: float = Field(default=0.3, gt=0, le=5)
    symbols: dict[Symbol, SimSymbol] = {}
    """Per-symbol start price and vol; other symbols get a deterministic price from their name."""


class PathSettings(Section):
    data_dir: Path | None = None
    """Journal and state. Default: platformdirs.user_data_dir("btconsole")."""
    cache_dir: Path | None = None
    """Bar cache. Default: platformdirs.user_cache_dir("btconsole")."""
    log_dir: Path | None = None
    """Logs. Default: platformdirs.user_log_dir("btconsole")."""
    strategies_dir: Path | None = None
    """A user folder of extra strategies, searched after the repo's strategies/."""


class Settings(Section):
    """Everything the console reads; see settings.yaml for a commented example."""

    broker: BrokerSettings = BrokerSettings()
    watchlists: dict[str, list[Symbol]] = {"default": ["AAPL", "MSFT", "NVDA", "SPY"]}
    strategies: list[StrategySettings] = []
    risk: RiskSettings = RiskSettings()
    ui: UiSettings = UiSettings()
    sim: SimSettings = SimSettings()
    paths: PathSettings = PathSettings()

    @field_validator("strategies")
    @classmethod
    def _unique_names(cls, value: list[StrategySettings]) -> list[StrategySettings]:
        names = [s.name for s in value]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"strategy names must be unique; repeated: {', '.join(duplicates)}")
        return value
