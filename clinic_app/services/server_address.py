"""Checking a clinic server address before it is saved or shown (light: no database code)."""

from __future__ import annotations

from clinic_app.store.address import carries_password, without_password

__all__ = ["carries_password", "without_password"]
