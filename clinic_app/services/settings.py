"""Vault settings: clinic details and rule overrides that travel with the vault and its backups."""

from __future__ import annotations

import json
from typing import Any

from clinic_app.domain.models import Setting
from clinic_app.services.changes import SETTING, ChangeSet
from clinic_app.store.base import Store
from clinic_app.vault import audit


def get_setting(vault: Store, *, key: str, default: Any = None) -> Any:
    with vault.reader() as session:
        row = session.get(Setting, key)
        return json.loads(row.value) if row is not None else default


def all_settings(vault: Store, *, prefix: str = "") -> dict[str, Any]:
    from sqlmodel import select

    with vault.reader() as session:
        return {
            r.key: json.loads(r.value)
            for r in session.exec(select(Setting))
            if r.key.startswith(prefix)
        }


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
