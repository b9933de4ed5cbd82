"""Typed dates for the screens: the core's reader and its accepted forms, per language."""

from __future__ import annotations

from clinic_app.domain.validators import date_formats, parse_date

__all__ = ["date_formats", "parse_date"]
