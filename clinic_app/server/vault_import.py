"""`server import-vault`: a single-laptop vault's records, files and audit history onto the server.

All in one transaction of the importing admin: first that admin's own audit event naming the vault
and the counts, then the rows (written by admin-only SECURITY DEFINER functions that refuse to run
in a transaction without that event), files re-sealed under the clinic key on this computer, and
the vault's audit history kept read-only beside the server's own log (see docs/security.md).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, text
from sqlalchemy.exc import IntegrityError

from clinic_app.domain.text import words
from clinic_app.errors import DamagedError, UserError
from clinic_app.i18n import _
from clinic_app.search import _DOCS_SQL, _document
from clinic_app.store.postgres import PostgresStore
from clinic_app.vault import audit, migrate
from clinic_app.vault.schema import metadata
from clinic_app.vault.vault import Vault

# Not copied row by row: the audit log (kept as imported history), staff (matched by name),
# the schema's own bookkeeping.
SPECIAL = {"audit_event", "staff_member", "alembic_version", "setting"}
# Columns naming a staff member by id: remapped to the server's staff list.
STAFF_COLUMNS = {
    "matter": ("assigned_staff_id",),
    "deadline_task": ("assigned_staff_id",),
    "matter_restriction": ("staff_id",),
    "matter_sign_off": ("staff_id",),
}
# Settings about this laptop's vault, not about the clinic: they stay behind.
LOCAL_SETTINGS = ("vault.", "backup.", "documents.drafts_folder")
CHUNK = 2000


@dataclass
class Moved:
    """What an import moved, as the command prints it."""

    vault_id: str
    rows: Counter[str] = field(default_factory=Counter)
    files: int = 0
    history: int = 0
    staff_added: int = 0
    staff_matched: int = 0
    settings: int = 0

    def summary(self, head: str) -> str:
        """The audit event's text: counts and ids only, never client data."""
        return (
            f"vault {self.vault_id}: {self.rows['client']} clients, {self.rows['matter']} matters, "
            f"{self.rows['deadline']} deadlines, {self.files} files, {self.history} history "
            f"events (chain head {head[:16]}), {sum(self.rows.values())} rows in all"
        )


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return aware.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _rows(conn: Connection, table: Table) -> list[dict[str, Any]]:
    result = conn.execute(table.select().order_by(*table.primary_key.columns))
    return [{k: _json_value(v) for k, v in row._mapping.items()} for row in result]


def read_vault(vault: Vault) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
    """Every table's rows (JSON-ready) and the audit history, after checking the history's chain."""
    with vault.reader() as session:
        problems = audit.verify(session, vault.audit_key)
        if problems:
            raise DamagedError(
                _(
                    "The vault's audit log does not check out ({problem}); nothing was moved: run "
                    "'clinic-app check' on the vault first."
                ).format(problem=problems[0])
            )
        conn = session.connection()
        tables = {t.name: _rows(conn, t) for t in metadata.sorted_tables if t.name != "audit_event"}
        history = _rows(conn, metadata.tables["audit_event"])
        docs = conn.execute(text(_DOCS_SQL)).all()
    search_rows = []
    for row in docs:
        tokens = words(_document(tuple(row)))
        search_rows.append({"id": int(row[0]), "body": " ".join(tokens), "words": len(tokens)})
    tables["client_search"] = search_rows
    return tables, history


def _check_server(conn: Connection, vault_id: str, tables: dict[str, list[dict[str, Any]]]) -> None:
    """One sentence, before anything is written, for a server this vault cannot go onto."""
    server_rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if server_rev != migrate.head_revision():
        raise UserError(
            _(
                "The clinic server's tables are from another version of clinic-app than this "
                "one: bring both to the same version (on the server: 'clinic-app server init "
                "--url …'), then run import-vault again."
            )
        )
    if conn.execute(text("SELECT to_regclass('imported_audit_event')")).scalar() is None:
        raise UserError(
            _(
                "The clinic server was set up by an older clinic-app: bring it up to date on the "
                "server with 'clinic-app server init --url …' (docs/server.md, Upgrading), then "
                "run import-vault again."
            )
        )
    done = conn.execute(
        text(
            "SELECT imported_by, min(imported_at) FROM imported_audit_event WHERE vault_id = :v "
            "GROUP BY imported_by"
        ),
        {"v": vault_id},
    ).first()
    if done is not None:
        raise UserError(
            _(
                "This vault was already moved onto the clinic server by {login} on {date}; "
                "nothing was changed (to move it again, use a new server with --url)."
            ).format(login=done[0], date=f"{done[1]:%Y-%m-%d}")
        )
    for name in ("client", "matter", "employer", "stored_file"):
        ids = [r["id"] for r in tables.get(name, [])]
        if not ids:
            continue
        clash = conn.execute(
            text(f'SELECT count(*) FROM "{name}" WHERE id = ANY(:ids)'), {"ids": ids}
        ).scalar_one()
        if clash:
            raise UserError(
                _(
                    "The clinic server already holds records numbered as the vault's ({n} in "
                    "{table}): import-vault moves a vault onto a clinic server that holds no "
                    "records yet; name an empty one with --url. Nothing was changed."
                ).format(n=clash, table=name)
            )


def _staff_map(conn: Connection, staff: list[dict[str, Any]], moved: Moved) -> dict[int, int]:
    """Vault staff ids to the server's: the same name (any case) is the same person; others are
    added to the staff list without a login (an admin gives them one with 'server adduser')."""
    known = {
        str(name).casefold(): int(sid)
        for sid, name in conn.execute(text("SELECT id, name FROM staff_member"))
    }
    mapping: dict[int, int] = {}
    for row in staff:
        found = known.get(str(row["name"]).casefold())
        if found is None:
            values = {k: v for k, v in row.items() if k not in ("id", "login")}
            columns = ", ".join(f'"{k}"' for k in values)
            marks = ", ".join(f":{k}" for k in values)
            found = int(
                conn.execute(
                    text(
                        f"INSERT INTO staff_member ({columns}, login) VALUES ({marks}, '') "
                        "RETURNING id"
                    ),
                    values,
                ).scalar_one()
            )
            known[str(row["name"]).casefold()] = found
            moved.staff_added += 1
        else:
            moved.staff_matched += 1
        mapping[int(row["id"])] = found
    return mapping


def _settings(conn: Connection, rows: list[dict[str, Any]], moved: Moved) -> None:
    """The clinic's settings, rules and letterhead (the vault's values win on a new server)."""
    for row in rows:
        if str(row["key"]).startswith(LOCAL_SETTINGS):
            continue
        columns = list(row)
        updates = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in columns if c != "key")
        conn.execute(
            text(
                f"INSERT INTO setting ({', '.join(chr(34) + c + chr(34) for c in columns)}) "
                f"VALUES ({', '.join(':' + c for c in columns)}) "
                f"ON CONFLICT (key) DO UPDATE SET {updates}"
            ),
            {c: json.dumps(v) if isinstance(v, (dict, list)) else v for c, v in row.items()},
        )
        moved.settings += 1


def import_vault(vault: Vault, store: PostgresStore) -> Moved:
    """Move everything in `vault` onto the server `store` is logged in to, in one transaction."""
    tables, history = read_vault(vault)
    moved = Moved(vault_id=vault.vault_id)
    moved.history = len(history)
    moved.files = len(tables.get("stored_file", []))
    for name, rows in tables.items():
        if name not in SPECIAL and name != "client_search":
            moved.rows[name] = len(rows)
    head = history[-1]["hash"] if history else audit.GENESIS
    try:
        with store.session() as session:
            conn = session.connection()
            _check_server(conn, moved.vault_id, tables)
            audit.record(
                session, action="vault.import", record_kind="vault", summary=moved.summary(head)
            )
            session.flush()
            staff = _staff_map(conn, tables.get("staff_member", []), moved)
            _settings(conn, tables.get("setting", []), moved)
            for blob_row in tables.get("stored_file", []):
                blob = str(blob_row["blob"])
                store.files.put_in(conn, blob, vault.files.get(blob))
            for name in [t.name for t in metadata.sorted_tables] + ["client_search"]:
                rows = tables.get(name, [])
                if name in SPECIAL or not rows:
                    continue
                for column in STAFF_COLUMNS.get(name, ()):
                    for row in rows:
                        if row[column] is not None:
                            row[column] = staff[int(row[column])]
                for start in range(0, len(rows), CHUNK):
                    conn.execute(
                        text("SELECT clinic_import_rows(:v, :t, CAST(:rows AS jsonb))"),
                        {
                            "v": moved.vault_id,
                            "t": name,
                            "rows": json.dumps(rows[start : start + CHUNK]),
                        },
                    )
            conn.execute(
                text("SELECT clinic_import_history(:v, CAST(:rows AS jsonb))"),
                {"v": moved.vault_id, "rows": json.dumps(history)},
            )
    except IntegrityError as exc:
        raise UserError(
            _(
                "The clinic server already holds records the vault's would collide with ({why}): "
                "import-vault moves a vault onto a clinic server that holds no records yet; name "
                "an empty one with --url. Nothing was changed."
            ).format(why=str(exc.orig).splitlines()[0] if exc.orig else "a duplicate")
        ) from None
    return moved


def history_problems(conn: Connection) -> list[str]:
    """Breaks in the links of each imported vault's history (`clinic-app check` on the server):
    every event must name the one before it, from the start of that vault's log."""
    if conn.execute(text("SELECT to_regclass('imported_audit_event')")).scalar() is None:
        return []
    problems: list[str] = []
    rows = conn.execute(
        text("SELECT vault_id, id, prev_hash, hash FROM imported_audit_event ORDER BY vault_id, id")
    )
    vault: str | None = None
    before: str | None = audit.GENESIS
    for vault_id, event_id, prev_hash, digest in rows:
        if vault_id != vault:
            vault, before = vault_id, audit.GENESIS
        elif before is None:
            continue  # one problem per vault is enough
        if prev_hash != before:
            problems.append(
                f"the imported history of vault {vault_id} is broken at its event {event_id}"
            )
            before = None
            continue
        before = digest
    return problems
