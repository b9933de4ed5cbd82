"""Roles, grants and row-level security on the clinic server: what each kind of staff may do.

Installed by the server's owner, idempotently (run again after an upgrade adds tables): group roles
for admin, attorney, paralegal and volunteer under one `clinic_staff` role; grants per table; RLS
policies that hide restricted matters (and a client whose every matter is restricted) from everyone
not named, and show a volunteer only what they added or are assigned. The audit log takes INSERT
and SELECT only, from every role.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg import sql

from clinic_app.server import reach_sql
from clinic_app.server.access_sql import (
    CLIENT_RULE,
    FUNCTION_NAMES,
    FUNCTIONS,
    MATTER_RULE,
    SEES_CLIENT,
    SEES_MATTER,
    sees_client,
)
from clinic_app.server.upkeep_sql import install_upkeep

STAFF_ROLE = "clinic_staff"
GROUPS = {
    "admin": "clinic_admin",
    "attorney": "clinic_attorney",
    "paralegal": "clinic_paralegal",
    "volunteer": "clinic_volunteer",
}
ROLE_NAMES = tuple(GROUPS)

# Tables that are not case records; every other table of the schema is a case table.
ACCOUNT_TABLES = ("staff_member",)
SETTINGS_TABLE = "setting"
AUDIT_TABLE = "audit_event"
SIGN_OFF_TABLE = "matter_sign_off"
RESTRICTION_TABLE = "matter_restriction"
# Each person's wrapped copy of the clinic file key: their own to read; an admin adds others'.
KEY_SLOT_TABLE = "clinic_key_slot"
# Encrypted evidence and drafts: volunteers add files, case workers may also remove them.
FILE_TABLE = "file_blob"
# The search words of each client, keyed by the client's id.
SEARCH_TABLE = "client_search"
# Conflict-check lookup keys of every client, employer and party, and the checks made.
CONFLICT_KEY_TABLE = "conflict_key"
CONFLICT_CHECK_TABLE = "conflict_check"
# Settings that change how deadlines are computed: rule changes (admin and attorney only).
RULE_KEYS = (
    "deadlines.overrides",
    "deadlines.closed_days",
    "deadlines.policy",
    "deadlines.installed",
)
# A cache any role refreshes when it recomputes deadlines.
SHARED_KEYS = ("deadlines.computed",)
# Settings describing the clinic itself (letterhead, contacts): the admin's.
CLINIC_KEY_PREFIX = "clinic."

ALL = "SELECT, INSERT, UPDATE, DELETE"
# What each group may do, per kind of table (RLS narrows the rows further).
PRIVILEGES: dict[str, dict[str, str]] = {
    "admin": {
        "case": "SELECT",
        "accounts": ALL,
        "settings": ALL,
        "sign_off": "SELECT",
        "restriction": "SELECT, INSERT, DELETE",
        "key_slot": ALL,
    },
    "attorney": {
        "case": ALL,
        "accounts": "SELECT",
        "settings": ALL,
        "sign_off": ALL,
        "restriction": "SELECT, INSERT, DELETE",
        "key_slot": ALL,
    },
    "paralegal": {
        "case": ALL,
        "accounts": "SELECT",
        "settings": ALL,
        "sign_off": "SELECT",
        "restriction": "SELECT",
        "key_slot": ALL,
    },
    "volunteer": {
        # Intake: add and edit what they may see; deadline rows of their matters are recomputed
        # (deleted and re-added) by the app, so DELETE stays, limited by RLS to their own.
        "case": ALL,
        "accounts": "SELECT",
        "settings": ALL,
        "sign_off": "SELECT",
        "restriction": "SELECT",
        "key_slot": ALL,
    },
}
# Clients and matters are never deleted by a volunteer, even their own.
VOLUNTEER_NO_DELETE = ("client", "matter")


def _ensure_role(cur: psycopg.Cursor[Any], name: str) -> None:
    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
    if cur.fetchone() is None:
        cur.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))


def _tables(cur: psycopg.Cursor[Any]) -> dict[str, set[str]]:
    """Every table of the schema with its column names."""
    cur.execute(
        "SELECT c.table_name, c.column_name FROM information_schema.columns c "
        "JOIN information_schema.tables t USING (table_schema, table_name) "
        "WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'"
    )
    found: dict[str, set[str]] = {}
    for table, column in cur.fetchall():
        found.setdefault(str(table), set()).add(str(column))
    return found


def _kind(table: str) -> str:
    if table in ACCOUNT_TABLES:
        return "accounts"
    if table == SETTINGS_TABLE:
        return "settings"
    if table == SIGN_OFF_TABLE:
        return "sign_off"
    if table == RESTRICTION_TABLE:
        return "restriction"
    if table == KEY_SLOT_TABLE:
        return "key_slot"
    return "case"


def _policy(cur: psycopg.Cursor[Any], table: str, name: str, clause: str) -> None:
    cur.execute(
        sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(
            sql.Identifier(name), sql.Identifier(table)
        )
    )
    cur.execute(
        sql.SQL("CREATE POLICY {} ON {} ").format(sql.Identifier(name), sql.Identifier(table))
        + sql.SQL(clause)  # built here from constants, never from input
    )


def _enable_rls(cur: psycopg.Cursor[Any], table: str) -> None:
    cur.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(sql.Identifier(table)))


def _quoted(values: Sequence[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _setting_write_check() -> str:
    rules, shared = _quoted(RULE_KEYS), _quoted(SHARED_KEYS)
    return (
        f"clinic_role() = 'admin' OR key IN ({shared})"
        f" OR (key IN ({rules}) AND clinic_role() = 'attorney')"
        f" OR (key NOT IN ({rules}) AND key NOT LIKE '{CLINIC_KEY_PREFIX}%'"
        "     AND clinic_role() IN ('attorney', 'paralegal'))"
    )


def _row_rule(columns: set[str]) -> str | None:
    """The visibility rule of a case table's rows, from the columns that tie it to a case."""
    parts = []
    if "matter_id" in columns:
        parts.append(f"(matter_id IS NULL OR {SEES_MATTER})")
    if "client_id" in columns:
        parts.append(f"(client_id IS NULL OR {SEES_CLIENT})")
    return " AND ".join(parts) if parts else None


def install_access(conn: psycopg.Connection[Any], db: str) -> None:
    """Create or bring up to date the roles, grants and policies in `db` (one transaction)."""
    with conn.transaction(), conn.cursor() as cur:
        for group in (STAFF_ROLE, *GROUPS.values()):
            _ensure_role(cur, group)
        for group in GROUPS.values():
            cur.execute(
                sql.SQL("GRANT {} TO {}").format(sql.Identifier(STAFF_ROLE), sql.Identifier(group))
            )
        # Only clinic staff reach this database; nobody but the owner creates objects in it.
        cur.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(sql.Identifier(db)))
        cur.execute(
            sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(
                sql.Identifier(db), sql.Identifier(STAFF_ROLE)
            )
        )
        cur.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        cur.execute(
            sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(sql.Identifier(STAFF_ROLE))
        )
        tables = _tables(cur)
        cur.execute(FUNCTIONS)
        cur.execute(reach_sql.FUNCTIONS)
        for signature in (*FUNCTION_NAMES, *reach_sql.FUNCTION_NAMES):
            cur.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
            cur.execute(
                sql.SQL(f"GRANT EXECUTE ON FUNCTION {signature} TO {{}}").format(
                    sql.Identifier(STAFF_ROLE)
                )
            )
        _grant_tables(cur, tables)
        _install_policies(cur, tables)
        cur.execute(
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(
                sql.Identifier(STAFF_ROLE)
            )
        )
        cur.execute("REVOKE ALL ON matter_directory FROM PUBLIC")
        cur.execute(
            sql.SQL("GRANT SELECT ON matter_directory TO {}").format(sql.Identifier(STAFF_ROLE))
        )
        _allow_admins_to_end_sessions(cur)
        install_upkeep(cur, STAFF_ROLE, GROUPS)


def _grant_tables(cur: psycopg.Cursor[Any], tables: dict[str, set[str]]) -> None:
    everyone = [sql.Identifier(STAFF_ROLE), *(sql.Identifier(g) for g in GROUPS.values())]
    for table in sorted(tables):
        ident = sql.Identifier(table)
        # From scratch each time, so a second run leaves exactly the privileges below.
        cur.execute(
            sql.SQL("REVOKE ALL ON {} FROM PUBLIC, {}").format(ident, sql.SQL(", ").join(everyone))
        )
        if table == AUDIT_TABLE:
            # Append-only for every role: read the chain's head, add to it, never rewrite it.
            cur.execute(
                sql.SQL("GRANT SELECT, INSERT ON {} TO {}").format(
                    ident, sql.Identifier(STAFF_ROLE)
                )
            )
            continue
        if table == "alembic_version":
            cur.execute(
                sql.SQL("GRANT SELECT ON {} TO {}").format(ident, sql.Identifier(STAFF_ROLE))
            )
            continue
        kind = _kind(table)
        for role, group in GROUPS.items():
            privileges = PRIVILEGES[role][kind]
            if role == "volunteer" and table in VOLUNTEER_NO_DELETE:
                privileges = "SELECT, INSERT, UPDATE"
            if table == FILE_TABLE and role in ("admin", "volunteer"):
                privileges = "SELECT, INSERT"
            cur.execute(
                sql.SQL("GRANT " + privileges + " ON {} TO {}").format(ident, sql.Identifier(group))
            )


def _install_policies(cur: psycopg.Cursor[Any], tables: dict[str, set[str]]) -> None:
    for table in ("client", "matter"):
        cur.execute(
            sql.SQL("DROP TRIGGER IF EXISTS clinic_stamp_creator ON {}").format(
                sql.Identifier(table)
            )
        )
        cur.execute(
            sql.SQL(
                "CREATE TRIGGER clinic_stamp_creator BEFORE INSERT OR UPDATE ON {} "
                "FOR EACH ROW EXECUTE FUNCTION clinic_stamp_creator()"
            ).format(sql.Identifier(table))
        )
    rule = MATTER_RULE
    # A matter may only be added to (or moved to) a client one may see: otherwise a volunteer
    # could open a matter on anyone's client and see that client through it.
    check = f"({rule}) AND {SEES_CLIENT}"
    _enable_rls(cur, "matter")
    _policy(cur, "matter", "clinic_rows", f"FOR ALL USING ({rule}) WITH CHECK ({check})")
    rule = CLIENT_RULE
    _enable_rls(cur, "client")
    _policy(cur, "client", "clinic_rows", f"FOR ALL USING ({rule}) WITH CHECK ({rule})")
    for table, columns in sorted(tables.items()):
        special = ("client", "matter", RESTRICTION_TABLE, SEARCH_TABLE, CONFLICT_KEY_TABLE)
        if table in special or _kind(table) != "case":
            continue
        row_rule = _row_rule(columns)
        if row_rule is None:
            continue
        _enable_rls(cur, table)
        _policy(cur, table, "clinic_rows", f"FOR ALL USING ({row_rule}) WITH CHECK ({row_rule})")
    if CONFLICT_KEY_TABLE in tables:
        # A client's lookup keys hold their A-number, birth date and phone: the client's own
        # visibility (so a conflict check compares against the clients one may see).
        rule = f"record_kind <> 'client' OR {sees_client('record_id')}"
        _enable_rls(cur, CONFLICT_KEY_TABLE)
        _policy(
            cur, CONFLICT_KEY_TABLE, "clinic_rows", f"FOR ALL USING ({rule}) WITH CHECK ({rule})"
        )
    if CONFLICT_CHECK_TABLE in tables:
        # What was typed at a check: a volunteer sees their own checks.
        rule = "clinic_role() <> 'volunteer' OR checked_by = session_user"
        _enable_rls(cur, CONFLICT_CHECK_TABLE)
        _policy(
            cur, CONFLICT_CHECK_TABLE, "clinic_rows", f"FOR ALL USING ({rule}) WITH CHECK ({rule})"
        )
    if SEARCH_TABLE in tables:
        # The search words are the client's name and numbers: the client's own visibility.
        rule = sees_client("id")
        _enable_rls(cur, SEARCH_TABLE)
        _policy(cur, SEARCH_TABLE, "clinic_rows", f"FOR ALL USING ({rule}) WITH CHECK ({rule})")
    if KEY_SLOT_TABLE in tables:
        # One's own slot only (nobody else's to guess passwords against); an admin writes the
        # slot of a person they add.
        own = "person = session_user"
        write = f"{own} OR clinic_role() = 'admin'"
        _enable_rls(cur, KEY_SLOT_TABLE)
        _policy(cur, KEY_SLOT_TABLE, "clinic_read", f"FOR SELECT USING ({own})")
        _policy(cur, KEY_SLOT_TABLE, "clinic_add", f"FOR INSERT WITH CHECK ({write})")
        _policy(
            cur, KEY_SLOT_TABLE, "clinic_change", f"FOR UPDATE USING ({own}) WITH CHECK ({own})"
        )
        _policy(cur, KEY_SLOT_TABLE, "clinic_remove", f"FOR DELETE USING ({write})")
    # Restrictions: everyone reads who to ask; an admin, or an attorney who may open the matter,
    # changes them.
    manage = (
        "clinic_role() = 'admin' OR "
        "(clinic_role() = 'attorney' AND clinic_can_see_matter(matter_id))"
    )
    _enable_rls(cur, RESTRICTION_TABLE)
    _policy(cur, RESTRICTION_TABLE, "clinic_read", "FOR SELECT USING (true)")
    _policy(cur, RESTRICTION_TABLE, "clinic_add", f"FOR INSERT WITH CHECK ({manage})")
    _policy(cur, RESTRICTION_TABLE, "clinic_remove", f"FOR DELETE USING ({manage})")
    if SETTINGS_TABLE in tables:
        check = _setting_write_check()
        _enable_rls(cur, SETTINGS_TABLE)
        _policy(cur, SETTINGS_TABLE, "clinic_read", "FOR SELECT USING (true)")
        _policy(cur, SETTINGS_TABLE, "clinic_add", f"FOR INSERT WITH CHECK ({check})")
        _policy(
            cur, SETTINGS_TABLE, "clinic_change", f"FOR UPDATE USING ({check}) WITH CHECK ({check})"
        )
        _policy(cur, SETTINGS_TABLE, "clinic_remove", f"FOR DELETE USING ({check})")


def _allow_admins_to_end_sessions(cur: psycopg.Cursor[Any]) -> None:
    """Disabling an account also ends its open sessions, which needs pg_signal_backend; on a
    managed server that refuses this grant, disabling still stops new logins."""
    cur.execute("SAVEPOINT clinic_signal")
    try:
        cur.execute(
            sql.SQL("GRANT pg_signal_backend TO {}").format(sql.Identifier(GROUPS["admin"]))
        )
    except psycopg.errors.InsufficientPrivilege:
        cur.execute("ROLLBACK TO SAVEPOINT clinic_signal")
    cur.execute("RELEASE SAVEPOINT clinic_signal")
