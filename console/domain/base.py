"""The base model of every domain object: frozen, strict about unknown fields, UTC-aware timestamps."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, PlainSerializer


def _require_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware (UTC)")
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_require_utc)]
"""A datetime that must carry a timezone; stored converted to UTC."""

Money = Annotated[Decimal, PlainSerializer(str, return_type=str, when_used="json")]
"""An exact amount (price, quantity, cash); serialised to JSON as a string so nothing is rounded."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class DomainModel(BaseModel):
    """Frozen pydantic model with no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)
