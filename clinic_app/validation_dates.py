"""Parsing dates given on the command line (with the flag's name in the error)."""

from __future__ import annotations

from datetime import date

from clinic_app.domain.validators import parse_date
from clinic_app.errors import UserError, ValidationError


def parse_cli_date(value: str | None, flag: str) -> date | None:
    try:
        return parse_date(value, flag)
    except ValidationError as exc:
        raise UserError(str(exc)) from exc
