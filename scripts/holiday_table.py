"""Writes clinic_app/deadlines/holiday_table.py: the US federal holidays the `holidays` package
gives, for the years the app meets, so that no process loads the package's 250 country tables.

Run again after upgrading `holidays` (tests/core/test_holiday_table.py says when):
    .venv/bin/python scripts/holiday_table.py
"""

from __future__ import annotations

from pathlib import Path

import holidays

FIRST, LAST = 2000, 2075
TARGET = Path(__file__).resolve().parent.parent / "clinic_app" / "deadlines" / "holiday_table.py"


def table(year: int) -> list[tuple[str, str]]:
    days = holidays.country_holidays("US", years=year)
    return sorted((day.isoformat()[5:], str(name)) for day, name in days.items() if day.year == year)


def main() -> None:
    names: list[str] = []
    lines = []
    for year in range(FIRST, LAST + 1):
        cells = []
        for month_day, name in table(year):
            if name not in names:
                names.append(name)
            cells.append(f"{month_day.replace('-', '')}{names.index(name):02d}")
        lines.append(f'    {year}: "{" ".join(cells)}",')
    text = "\n".join(
        [
            f'"""US federal holidays by year, as `holidays` {holidays.__version__} gives them."""',
            "",
            "# Written by scripts/holiday_table.py; run it again after upgrading `holidays`.",
            "",
            "# Each day is MMDD then the index of its name in NAMES.",
            f"FIRST, LAST = {FIRST}, {LAST}",
            "NAMES = (",
            *(f"    {name!r}," for name in names),
            ")",
            "DAYS = {",
            *lines,
            "}",
            "",
        ]
    )
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.name}: {LAST - FIRST + 1} years, {len(names)} names")


if __name__ == "__main__":
    main()
