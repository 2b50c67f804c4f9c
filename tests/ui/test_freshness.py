"""Freshness of a dataset from its last update and update frequency (no CKAN)."""
from __future__ import annotations

import datetime

import pytest
from ckanext.odpo import vocabularies
from ckanext.odpo.freshness import (
    DUE,
    EXPECTED_INTERVAL_DAYS,
    FRESH,
    IRREGULAR,
    STALE,
    UNKNOWN,
    assess_freshness,
    grace_days,
)

TODAY = datetime.date(2025, 10, 1)


def _days_ago(days: int) -> str:
    return (TODAY - datetime.timedelta(days=days)).isoformat()


@pytest.mark.parametrize(
    ("frequency", "age", "status"),
    [
        ("daily", 0, FRESH),
        ("daily", 1, FRESH),
        ("daily", 3, DUE),  # a weekend's slip: grace of at least two days
        ("daily", 4, STALE),
        ("weekly", 7, FRESH),
        ("weekly", 11, DUE),
        ("weekly", 12, STALE),
        ("monthly", 31, FRESH),
        ("monthly", 47, DUE),
        ("monthly", 48, STALE),
        ("quarterly", 92, FRESH),
        ("quarterly", 138, DUE),
        ("quarterly", 139, STALE),
        ("semiannual", 183, FRESH),
        ("semiannual", 275, DUE),
        ("semiannual", 276, STALE),
        ("annual", 366, FRESH),
        ("annual", 549, DUE),
        ("annual", 550, STALE),
        ("continuous", 1, FRESH),
        ("continuous", 5, STALE),
    ],
)
def test_status_follows_the_promised_interval_and_grace(frequency: str, age: int, status: str) -> None:
    assessed = assess_freshness(_days_ago(age), frequency, TODAY)
    assert assessed.status == status
    assert assessed.age_days == age
    assert assessed.expected_interval_days == EXPECTED_INTERVAL_DAYS[frequency]


def test_grace_is_half_the_interval_but_at_least_two_days() -> None:
    assert grace_days(1) == 2
    assert grace_days(7) == 4
    assert grace_days(31) == 16
    assert grace_days(366) == 183


def test_overdue_data_names_the_day_the_update_was_due() -> None:
    assessed = assess_freshness("2025-06-01", "monthly", TODAY)
    assert assessed.status == STALE
    assert assessed.is_overdue
    assert assessed.due_date == datetime.date(2025, 7, 2)


def test_irregular_data_reports_its_age_only() -> None:
    assessed = assess_freshness(_days_ago(400), "irregular", TODAY)
    assert assessed.status == IRREGULAR
    assert assessed.age_days == 400
    assert assessed.due_date is None
    assert not assessed.is_overdue


@pytest.mark.parametrize(
    ("updated", "frequency"),
    [(None, "monthly"), ("", "monthly"), ("not a date", "monthly"), ("2025-13-40", "daily")],
)
def test_a_missing_or_malformed_date_is_unknown(updated: str | None, frequency: str) -> None:
    assessed = assess_freshness(updated, frequency, TODAY)
    assert assessed.status == UNKNOWN
    assert assessed.age_days is None


@pytest.mark.parametrize("frequency", [None, "", "hourly", 7])
def test_an_unknown_frequency_is_unknown_but_keeps_the_age(frequency: object) -> None:
    assessed = assess_freshness(_days_ago(10), frequency, TODAY)
    assert assessed.status == UNKNOWN
    assert assessed.age_days == 10


def test_dates_may_be_date_times_or_date_objects() -> None:
    assert assess_freshness("2025-09-30T12:00:00", "daily", TODAY).age_days == 1
    assert assess_freshness(datetime.date(2025, 9, 30), "daily", TODAY).age_days == 1
    assert assess_freshness(datetime.datetime(2025, 9, 30, 23, 59), "daily", TODAY).age_days == 1


def test_an_update_dated_in_the_future_counts_as_today() -> None:
    assessed = assess_freshness("2025-10-05", "weekly", TODAY)
    assert assessed.status == FRESH
    assert assessed.age_days == 0


def test_every_scheduled_frequency_of_the_schema_has_an_interval() -> None:
    frequencies = set(vocabularies.values_of(vocabularies.UPDATE_FREQUENCIES))
    assert set(EXPECTED_INTERVAL_DAYS) == frequencies - {"irregular"}


def test_the_default_reference_date_is_today() -> None:
    assessed = assess_freshness(datetime.date.today().isoformat(), "daily")
    assert assessed.reference_date == datetime.date.today()
    assert assessed.status == FRESH


def test_as_dict_is_json_friendly() -> None:
    assert assess_freshness("2025-09-01", "monthly", TODAY).as_dict() == {
        "status": FRESH,
        "update_frequency": "monthly",
        "last_data_update": "2025-09-01",
        "reference_date": "2025-10-01",
        "age_days": 30,
        "expected_interval_days": 31,
        "due_date": "2025-10-02",
    }
