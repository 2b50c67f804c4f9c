"""How fresh a dataset's data is, from ``last_data_update`` and ``update_frequency``.

Data users asked for freshness to be visible (data that is not updated when
promised loses its value). Each update frequency promises an interval; data
updated within it is *fresh*, data past it but within a grace period is *due*
(an update is expected any time now), data past the grace period is *stale*.
Irregularly updated data has no promise: it is reported with its age only.

Plain functions, no CKAN: templates, the statistics and the API all use them.
"""
from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

FRESH = "fresh"
DUE = "due"
STALE = "stale"
IRREGULAR = "irregular"
UNKNOWN = "unknown"

#: Every status, in the order pages and statistics list them.
FRESHNESS_STATUSES = (FRESH, DUE, STALE, IRREGULAR, UNKNOWN)

#: Longest expected gap between two updates, in days, for each update
#: frequency of the schema (:data:`ckanext.odpo.vocabularies.UPDATE_FREQUENCIES`)
#: but ``irregular``. Continuously updated data (sensors, APIs) is expected
#: to move every day.
EXPECTED_INTERVAL_DAYS: dict[str, int] = {
    "continuous": 1,
    "daily": 1,
    "weekly": 7,
    "monthly": 31,
    "quarterly": 92,
    "semiannual": 183,
    "annual": 366,
}

#: Grace period after the expected interval, as a share of the interval ...
GRACE_SHARE = 0.5
#: ... and at least this many days (a daily update may slip over a weekend).
MINIMUM_GRACE_DAYS = 2


@dataclass(frozen=True)
class Freshness:
    """The freshness of one dataset on ``reference_date``.

    ``age_days`` is ``None`` when the last update is unknown; ``due_date`` (the
    day the next update is expected by) is ``None`` for irregular or unknown
    frequencies.
    """

    status: str
    update_frequency: str | None
    last_data_update: datetime.date | None
    reference_date: datetime.date
    age_days: int | None = None
    expected_interval_days: int | None = None
    due_date: datetime.date | None = None

    @property
    def is_overdue(self) -> bool:
        return self.status in (DUE, STALE)

    def as_dict(self) -> dict[str, str | int | None]:
        """JSON-friendly form (dates as ISO strings)."""
        return {
            "status": self.status,
            "update_frequency": self.update_frequency,
            "last_data_update": _iso(self.last_data_update),
            "reference_date": self.reference_date.isoformat(),
            "age_days": self.age_days,
            "expected_interval_days": self.expected_interval_days,
            "due_date": _iso(self.due_date),
        }


def grace_days(interval_days: int) -> int:
    """Days after the expected interval before data counts as stale."""
    return max(MINIMUM_GRACE_DAYS, math.ceil(interval_days * GRACE_SHARE))


def parse_update_date(value: object) -> datetime.date | None:
    """``last_data_update`` as a date: ISO date or date-time string, or a date.

    Returns ``None`` for anything else (missing, empty, malformed).
    """
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None


def assess_freshness(
    last_data_update: object,
    update_frequency: object,
    reference_date: datetime.date | None = None,
) -> Freshness:
    """Classify a dataset's freshness.

    Args:
        last_data_update: the dataset's ``last_data_update`` (ISO date string
            or date); missing or malformed values give ``unknown``.
        update_frequency: a frequency of the schema; anything unknown
            gives ``unknown`` (``irregular`` gives ``irregular``).
        reference_date: the day to judge on (default: today).

    Returns:
        The :class:`Freshness`; an update dated in the future counts as age 0.
    """
    today = reference_date or datetime.date.today()
    frequency = update_frequency if isinstance(update_frequency, str) and update_frequency else None
    updated = parse_update_date(last_data_update)
    if updated is None:
        return Freshness(UNKNOWN, frequency, None, today)
    age = max(0, (today - updated).days)
    if frequency == IRREGULAR:
        return Freshness(IRREGULAR, frequency, updated, today, age_days=age)
    interval = EXPECTED_INTERVAL_DAYS.get(frequency or "")
    if interval is None:
        return Freshness(UNKNOWN, frequency, updated, today, age_days=age)
    return Freshness(
        status=_status(age, interval),
        update_frequency=frequency,
        last_data_update=updated,
        reference_date=today,
        age_days=age,
        expected_interval_days=interval,
        due_date=updated + datetime.timedelta(days=interval),
    )


def _status(age_days: int, interval_days: int) -> str:
    if age_days <= interval_days:
        return FRESH
    if age_days <= interval_days + grace_days(interval_days):
        return DUE
    return STALE


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None
