"""Vault settings: clinic details and rule overrides that travel with the vault and its backups."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from clinic_app.domain.models import Setting
from clinic_app.services.changes import SETTING, ChangeSet
from clinic_app.store.base import Store
from clinic_app.vault import audit

_setting = Setting.__table__.c  # type: ignore[attr-defined]


def get_setting(vault: Store, *, key: str, default: Any = None) -> Any:
    # One column read with Core: the ORM's identity lookup costs several times the query,
    # and unlocking reads a few settings before the first screen shows.
    with vault.reader() as session:
        value = session.connection().execute(select(_setting.value).where(_setting.key == key))
        row = value.first()
    return json.loads(row[0]) if row is not None else default


def all_settings(vault: Store, *, prefix: str = "") -> dict[str, Any]:
    with vault.reader() as session:
        rows = session.connection().execute(select(_setting.key, _setting.value))
        return {key: json.loads(value) for key, value in rows if key.startswith(prefix)}


def set_setting(vault: Store, *, key: str, value: Any) -> ChangeSet:
    """Store a JSON value; the audit log records which key changed (not the value)."""
    with vault.session() as session:
        row = session.get(Setting, key)
        if row is None:
            row = Setting(key=key, value=json.dumps(value))
        else:
            row.value = json.dumps(value)
        session.add(row)
        audit.record(session, action="set", record_kind=SETTING, summary=key)
    return ChangeSet(kinds=frozenset({SETTING}))
