"""Business days: weekends, US federal holidays (the `holidays` package) and clinic closed days."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from functools import cache
from typing import Any

from clinic_app.deadlines import holiday_table
from clinic_app.i18n import N_, _

ROLLS = ("none", "previous_business_day", "next_business_day")
_WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)
# The names the `holidays` package gives US federal holidays, marked so the catalog has them.
HOLIDAY_NAMES = (
    N_("New Year's Day"),
    N_("Martin Luther King Jr. Day"),
    N_("Washington's Birthday"),
    N_("Memorial Day"),
    N_("Juneteenth National Independence Day"),
    N_("Independence Day"),
    N_("Labor Day"),
    N_("Columbus Day"),
    N_("Veterans Day"),
    N_("Thanksgiving Day"),
    N_("Christmas Day"),
)
_OBSERVED = " (observed)"
_ONE_DAY = timedelta(days=1)


@cache
def federal_holidays(year: int) -> Mapping[date, str]:
    """US federal holidays of one year, including the observed weekday of a weekend holiday."""
    if holiday_table.FIRST <= year <= holiday_table.LAST:
        # The package's answer kept in a table: loading the package and its 250 country
        # tables costs a CLI command about a seventh of a second.
        return {
            date(year, int(cell[:2]), int(cell[2:4])): holiday_table.NAMES[int(cell[4:])]
            for cell in holiday_table.DAYS[year].split()
        }
    import holidays

    table: Any = holidays.country_holidays("US", years=year)
    return {day: str(name) for day, name in table.items() if day.year == year}


def holiday_label(name: str) -> str:
    """A federal holiday's name in the current language ('Labor Day' → 'Día del Trabajo')."""
    if name.endswith(_OBSERVED):
        return _("{holiday} (observed)").format(holiday=_(name[: -len(_OBSERVED)]))
    return _(name)


class BusinessCalendar:
    """Says whether a day is closed and moves a date off closed days. Deterministic: no clock."""

    def __init__(
        self, closed_days: Mapping[date, str] | None = None, *, federal: bool = True
    ) -> None:
        self.closed_days: dict[date, str] = dict(closed_days or {})
        self._federal = federal
        self._rolled: dict[tuple[date, str], date] = {}

    def closed_reason(self, day: date) -> str | None:
        """Why the clinic (or the agency) is closed on `day`, or None on a business day."""
        if day in self.closed_days:
            return self.closed_days[day] or _("clinic closed")
        if self._federal:
            # A holiday observed on Friday 31 December belongs to the next year's New Year's Day.
            name = federal_holidays(day.year).get(day) or (
                federal_holidays(day.year + 1).get(day) if day.month == 12 else None
            )
            if name is not None:
                return holiday_label(name)
        if day.weekday() >= 5:
            return _(_WEEKDAYS[day.weekday()])
        return None

    def is_business_day(self, day: date) -> bool:
        return self.closed_reason(day) is None

    def roll(self, day: date, how: str) -> date:
        """`day` itself, or the nearest business day before or after it."""
        if how == "none":
            return day
        key = (day, how)
        found = self._rolled.get(key)
        if found is None:
            step = -_ONE_DAY if how == "previous_business_day" else _ONE_DAY
            found = day
            # Closed stretches are short; the bound only guards against a calendar that closes
            # every day (a clinic typo), where the date is left where it was.
            for _ in range(60):
                if self.is_business_day(found):
                    break
                found = found + step
            else:
                found = day
            self._rolled[key] = found
        return found
