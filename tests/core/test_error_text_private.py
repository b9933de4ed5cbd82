"""A database error's text never quotes the client data that was being written: that text is
what a --debug traceback or the desktop's stderr (the session log on disk) carries."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from clinic_app.vault.vault import Vault

NAME = "Quetzali Privatename"
A_NUMBER = "A219876543"


def test_a_failed_write_does_not_quote_its_values(new_vault: tuple[Vault, str]) -> None:
    vault, _code = new_vault
    rows: list[dict[str, Any]] = [{"n": NAME, "a": A_NUMBER}] * 2
    with pytest.raises(DBAPIError) as caught, vault.engine.begin() as conn:
        # No last name: the database refuses the row (NOT NULL).
        conn.execute(text("INSERT INTO client (first_name, a_number) VALUES (:n, :a)"), rows)
    shown = str(caught.value)
    assert "NOT NULL" in shown  # the reason is still there
    assert NAME not in shown and A_NUMBER not in shown
