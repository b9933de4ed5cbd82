"""The kept table of US federal holidays says what the `holidays` package says, and spares
every process the package's import."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import holidays
import pytest

from clinic_app.deadlines import calendar, holiday_table


def _library(year: int) -> dict[date, str]:
    days = holidays.country_holidays("US", years=year)
    return {day: str(name) for day, name in days.items() if day.year == year}


def test_every_year_of_the_table_matches_the_installed_package() -> None:
    differing = [
        year
        for year in range(holiday_table.FIRST, holiday_table.LAST + 1)
        if dict(calendar.federal_holidays(year)) != _library(year)
    ]
    assert not differing, (
        f"clinic_app/deadlines/holiday_table.py differs from holidays {holidays.__version__} "
        f"in {differing}: run scripts/holiday_table.py and commit the file"
    )


@pytest.mark.parametrize("year", [holiday_table.FIRST - 1, holiday_table.LAST + 1])
def test_a_year_outside_the_table_asks_the_package(year: int) -> None:
    found = calendar.federal_holidays(year)
    assert found == _library(year)
    assert date(year, 7, 4) in found or date(year, 7, 3) in found or date(year, 7, 5) in found


def test_the_observed_new_year_of_the_next_year_closes_31_december() -> None:
    # 1 January 2028 is a Saturday: Friday 31 December 2027 is the day off.
    book = calendar.BusinessCalendar()
    assert not book.is_business_day(date(2027, 12, 31))
    assert book.roll(date(2027, 12, 31), "next_business_day") == date(2028, 1, 3)


def test_computing_a_due_date_in_a_fresh_interpreter_leaves_the_package_unloaded() -> None:
    code = (
        "import sys\n"
        "from datetime import date\n"
        "from clinic_app.deadlines.calendar import BusinessCalendar\n"
        "assert not BusinessCalendar().is_business_day(date(2026, 7, 3))\n"
        "print('holidays' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
