"""Option quotes for the simulated venue, derived from the sim chain at the underlying's current market.

The tape carries stocks only; an option's bid and ask are read off ``sim_option_chain`` at the
underlying's current mid and instantaneous volatility, the same numbers the options pane shows, so an
order fills where the trader saw the market. One contract is priced with the smallest chain that holds
its strike, and cached for the current underlying quote (a multi-leg order asks for each leg once).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from console.domain import OptionChain, Quote
from console.domain.symbols import parse_occ
from console.market.calendar import NEW_YORK
from console.market.sim_generator import SimMarket
from console.market.sim_options import option_expirations, sim_option_chain, strike_spacing

_NO_SIZE = Decimal(0)


class OptionPricer:
    """Quotes and chains of option contracts on the underlyings of one ``SimMarket``."""

    def __init__(self, market: SimMarket, seed: int) -> None:
        self._market = market
        self._seed = seed
        self._cache: dict[str, tuple[object, Quote | None]] = {}

    def spot(self, underlying: str) -> Decimal | None:
        """The underlying's mid (its last price before its first quote), or None when unknown."""
        quote = self._market.last_quote(underlying)
        return quote.mid if quote is not None else self._market.last_price(underlying)

    def expirations(self, now: datetime) -> list[date]:
        return option_expirations(now.astimezone(NEW_YORK).date())

    def chain(self, underlying: str, expiry: date, now: datetime) -> OptionChain:
        """The full chain of ``underlying`` for ``expiry``.

        Raises:
            ValueError: the expiry has passed, or the underlying has no price.
        """
        self._market.add_symbol(underlying)
        spot = self.spot(underlying)
        if spot is None:
            raise ValueError(f"no price for {underlying} yet")
        vol = self._market.volatility(underlying)
        return sim_option_chain(underlying, expiry, spot, vol, now, seed=self._seed)

    def quote(self, symbol: str, now: datetime) -> Quote | None:
        """The contract's bid and ask now (no sizes: the chain shows none).

        Returns:
            None when the venue does not list the contract now: an expiry it does not list, or a strike
            off the current strike grid (which moves with the underlying's price).
        """
        occ = parse_occ(symbol)
        stamp = self._market.last_quote(occ.root) or self._market.last_price(occ.root)
        cached = self._cache.get(symbol)
        if cached is not None and cached[0] is stamp:
            return cached[1]
        quote = self._price(symbol, now)
        self._cache[symbol] = (stamp, quote)
        return quote

    def _price(self, symbol: str, now: datetime) -> Quote | None:
        occ = parse_occ(symbol)
        if occ.expiry not in self.expirations(now):
            return None  # not a listed expiry (or expired)
        spot = self.spot(occ.root)
        if spot is None or spot <= 0:
            return None
        spacing = strike_spacing(float(spot))
        each_side = int(abs(occ.strike - spot) / spacing) + 2
        try:
            chain = sim_option_chain(
                occ.root,
                occ.expiry,
                spot,
                self._market.volatility(occ.root),
                now,
                strikes_each_side=each_side,
                seed=self._seed,
            )
        except (ValueError, KeyError):
            return None  # expired, or an underlying not on the tape
        for row in chain.quotes:
            if row.contract.symbol == symbol and row.bid is not None and row.ask is not None:
                return Quote(
                    symbol=symbol,
                    bid=row.bid,
                    ask=row.ask,
                    bid_size=_NO_SIZE,
                    ask_size=_NO_SIZE,
                    timestamp=now,
                )
        return None
