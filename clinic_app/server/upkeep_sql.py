"""Server-side pieces of `server passwd` and `server import-vault`, installed with the roles.

Each is a SECURITY DEFINER function that only the clinic's admin group may call, doing one narrow
thing the admin's own grants do not allow: remove a person's slot of the clinic key (to wrap it
anew for a reset password: an admin never reads another person's slot), and write a vault's rows
and its audit history during an import that the same transaction records in the audit log.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

IMPORTED_AUDIT_TABLE = "imported_audit_event"

TABLE = """
CREATE TABLE IF NOT EXISTS imported_audit_event (
    vault_id text NOT NULL,
    id integer NOT NULL,
    at timestamptz NOT NULL,
    actor text NOT NULL,
    action text NOT NULL,
    record_kind text NOT NULL,
    record_id integer,
    summary text NOT NULL,
    prev_hash text NOT NULL,
    hash text NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now(),
    imported_by text NOT NULL DEFAULT session_user,
    PRIMARY KEY (vault_id, id)
);
DROP TRIGGER IF EXISTS imported_audit_no_update ON imported_audit_event;
CREATE TRIGGER imported_audit_no_update BEFORE UPDATE OR DELETE ON imported_audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
DROP TRIGGER IF EXISTS imported_audit_no_truncate ON imported_audit_event;
CREATE TRIGGER imported_audit_no_truncate BEFORE TRUNCATE ON imported_audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
"""

FUNCTIONS = """
CREATE OR REPLACE FUNCTION clinic_remove_key_slot(who text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NOT pg_has_role(session_user, 'clinic_admin', 'USAGE') THEN
    RAISE EXCEPTION 'only a clinic admin may replace another person''s file key'
      USING ERRCODE = '42501';
  END IF;
  DELETE FROM clinic_key_slot WHERE person = who;
END $$;

-- An import writes only inside a transaction whose audit log already names it: the logged-in
-- admin's own 'vault.import' event for this vault, added in this very transaction.
CREATE OR REPLACE FUNCTION clinic_import_check(vid text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NOT pg_has_role(session_user, 'clinic_admin', 'USAGE') THEN
    RAISE EXCEPTION 'only a clinic admin may import a vault' USING ERRCODE = '42501';
  END IF;
  IF NOT EXISTS (
      SELECT 1 FROM audit_event
      WHERE xmin = ((pg_current_xact_id()::text::bigint % 4294967296)::text)::xid
        AND actor = session_user AND action = 'vault.import'
        AND summary LIKE 'vault ' || vid || ':%') THEN
    RAISE EXCEPTION 'an import must first be recorded in the audit log' USING ERRCODE = '42501';
  END IF;
END $$;

CREATE OR REPLACE FUNCTION clinic_import_rows(vid text, tbl text, rows jsonb) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  n integer;
  seq text;
BEGIN
  PERFORM clinic_import_check(vid);
  IF tbl IN ('audit_event', 'imported_audit_event', 'clinic_key_slot', 'staff_member',
             'alembic_version', 'file_blob')
     OR to_regclass(quote_ident(tbl)) IS NULL THEN
    RAISE EXCEPTION 'not a table an import writes: %', tbl USING ERRCODE = '42501';
  END IF;
  IF tbl = 'client_search' THEN
    INSERT INTO client_search (id, body, words, doc)
      SELECT r.id, r.body, r.words, to_tsvector('clinic_search', r.body)
      FROM jsonb_to_recordset(rows) AS r(id integer, body text, words integer);
  ELSE
    EXECUTE format('INSERT INTO %I SELECT * FROM jsonb_populate_recordset(NULL::%I, $1)', tbl, tbl)
      USING rows;
  END IF;
  GET DIAGNOSTICS n = ROW_COUNT;
  IF EXISTS (SELECT 1 FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name = tbl AND column_name = 'id') THEN
    seq := pg_get_serial_sequence(quote_ident(tbl), 'id');
  END IF;
  IF seq IS NOT NULL THEN
    -- New rows made on the server afterwards continue after the imported ids.
    EXECUTE format('SELECT setval(%L, GREATEST((SELECT max(id) FROM %I), 1))', seq, tbl);
  END IF;
  RETURN n;
END $$;

CREATE OR REPLACE FUNCTION clinic_import_history(vid text, rows jsonb) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  n integer;
BEGIN
  PERFORM clinic_import_check(vid);
  -- The vault's chain arrives whole: each event names the one before it, from the start.
  IF EXISTS (
      SELECT 1 FROM (
        SELECT r.prev_hash, lag(r.hash, 1, repeat('0', 64)) OVER (ORDER BY r.id) AS before
        FROM jsonb_to_recordset(rows) AS r(id integer, prev_hash text, hash text)) AS links
      WHERE links.prev_hash IS DISTINCT FROM links.before) THEN
    RAISE EXCEPTION 'the vault''s audit history is not one unbroken chain' USING ERRCODE = '22023';
  END IF;
  INSERT INTO imported_audit_event
      (vault_id, id, at, actor, action, record_kind, record_id, summary, prev_hash, hash)
    SELECT vid, r.id, r.at, r.actor, r.action, r.record_kind, r.record_id, r.summary,
           r.prev_hash, r.hash
    FROM jsonb_to_recordset(rows) AS r(id integer, at timestamptz, actor text, action text,
         record_kind text, record_id integer, summary text, prev_hash text, hash text);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
"""

ADMIN_FUNCTIONS = (
    "clinic_remove_key_slot(text)",
    "clinic_import_check(text)",
    "clinic_import_rows(text, text, jsonb)",
    "clinic_import_history(text, jsonb)",
)


def install_upkeep(cur: psycopg.Cursor[Any], staff_role: str, groups: dict[str, str]) -> None:
    """Create or refresh the imported-history table and the admin-only functions (inside
    install_access's transaction, after its grants, so the table ends up read-only)."""
    cur.execute(TABLE)
    cur.execute(FUNCTIONS)
    for signature in ADMIN_FUNCTIONS:
        cur.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
        cur.execute(
            sql.SQL(f"GRANT EXECUTE ON FUNCTION {signature} TO {{}}").format(
                sql.Identifier(groups["admin"])
            )
        )
    # Everyone reads the imported history, as the audit log; nobody writes it but the function.
    table = sql.Identifier(IMPORTED_AUDIT_TABLE)
    everyone = [sql.Identifier(staff_role), *(sql.Identifier(g) for g in groups.values())]
    cur.execute(
        sql.SQL("REVOKE ALL ON {} FROM PUBLIC, {}").format(table, sql.SQL(", ").join(everyone))
    )
    cur.execute(sql.SQL("GRANT SELECT ON {} TO {}").format(table, sql.Identifier(staff_role)))
