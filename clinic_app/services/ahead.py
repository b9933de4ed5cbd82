"""Work the first screen after unlocking needs that no vault holds, done ahead of the unlock."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import configure_mappers

from clinic_app.deadlines.calendar import federal_holidays
from clinic_app.i18n import format_day
from clinic_app.services.deadlines.rules import read_shipped_rules

# Loaded for their table mappings: the mappers configured below are these modules' models.
from clinic_app.vault import schema as _schema  # noqa: F401


def prepare_first_screen(today: date) -> None:
    """Everything opening a vault and Today's first fill do the first time whatever the vault:
    the desktop calls it while the passphrase is typed (on a thread), so unlocking leaves only
    reading the vault. Safe to call again, or never (each step happens on first use anyway)."""
    # SQLAlchemy sets the table mappings up at the first query through them: ~20 ms that would
    # otherwise fall inside the vault's opening.
    configure_mappers()
    read_shipped_rules()
    format_day(today)  # the language's date formats (format_day keeps what it formats)
    for year in (today.year - 1, today.year, today.year + 1):
        federal_holidays(year)  # due dates are moved off them when the rows are finished
