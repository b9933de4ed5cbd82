"""PostgreSQL's counterparts of the vault's SQLite-only schema: search index, audit guards, files, keys.

Run by the first migration on PostgreSQL (where SQLite gets FTS5 and its triggers), so one
Alembic chain serves both stores.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

# Client search: the words of each client (folded in Python, as for FTS5), a tsvector over them
# through `unaccent` for prefix queries, and the word count that bm25 ranking needs.
SEARCH = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TEXT SEARCH CONFIGURATION clinic_search (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION clinic_search "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple",
    """CREATE TABLE client_search (
        id integer PRIMARY KEY,
        body text NOT NULL,
        words integer NOT NULL,
        doc tsvector NOT NULL
    )""",
    "CREATE INDEX ix_client_search_doc ON client_search USING gin (doc)",
    # Typo-tolerant lookups (psql, reports) over the same words.
    "CREATE INDEX ix_client_search_trgm ON client_search USING gin (body gin_trgm_ops)",
]

# The audit log: append-only for every role (privileges come on top, from the server setup),
# and each event names the PostgreSQL login that wrote it, never a name typed by the person.
AUDIT = [
    """CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = '42501';
    END $$""",
    """CREATE FUNCTION audit_event_names_login() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.actor IS DISTINCT FROM current_user::text THEN
            RAISE EXCEPTION 'an audit event must name the logged-in person (%)', current_user
                USING ERRCODE = '42501';
        END IF;
        RETURN NEW;
    END $$""",
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
    "CREATE TRIGGER audit_event_login BEFORE INSERT ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_names_login()",
]

# Evidence files and kept drafts: AES-GCM ciphertext sealed on the laptop (see pgfiles.py), and
# the clinic data key wrapped for each person (Argon2id of their password; see clinic_key.py).
FILES = [
    """CREATE TABLE file_blob (
        blob varchar(64) PRIMARY KEY,
        data bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
    )""",
    """CREATE TABLE clinic_key_slot (
        person text PRIMARY KEY,
        kdf text NOT NULL,
        salt bytea NOT NULL,
        nonce bytea NOT NULL,
        wrapped bytea NOT NULL,
        key_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
    )""",
]

# Which rules each matter's stored deadlines were computed with. On the clinic server a person
# recomputes only the matters they may see, so a rule change leaves the others to be recomputed
# when someone who may see them next reads deadlines (clinic_app/store/deadlines_pg.py). Every
# matter already there counts as computed with unknown rules: recomputed on first sight.
DEADLINE_BASIS = [
    """CREATE TABLE deadline_basis (
        matter_id integer PRIMARY KEY REFERENCES matter (id) ON DELETE CASCADE,
        fingerprint text NOT NULL
    )""",
    "CREATE INDEX ix_deadline_basis_fingerprint ON deadline_basis (fingerprint)",
    "INSERT INTO deadline_basis (matter_id, fingerprint) SELECT id, '' FROM matter",
    # So is a matter however it arrives (a vault import, psql): the app's own recompute at
    # commit then records the real rules in the same transaction.
    """CREATE FUNCTION deadline_basis_new_matter() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
    BEGIN
        INSERT INTO deadline_basis (matter_id, fingerprint) VALUES (NEW.id, '')
        ON CONFLICT (matter_id) DO NOTHING;
        RETURN NULL;
    END $$""",
    "REVOKE ALL ON FUNCTION deadline_basis_new_matter() FROM PUBLIC",
    "CREATE TRIGGER matter_deadline_basis AFTER INSERT ON matter "
    "FOR EACH ROW EXECUTE FUNCTION deadline_basis_new_matter()",
]

DROP = [
    "DROP TABLE IF EXISTS clinic_key_slot",
    "DROP TABLE IF EXISTS file_blob",
    "DROP TRIGGER IF EXISTS audit_event_login ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_no_update ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_names_login()",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
    "DROP TABLE IF EXISTS client_search",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS clinic_search",
]


def create(conn: Connection) -> None:
    """Everything PostgreSQL needs beyond the portable tables (inside the migration's transaction)."""
    for statement in [*SEARCH, *AUDIT, *FILES]:
        conn.execute(text(statement))


def drop(conn: Connection) -> None:
    for statement in DROP:
        conn.execute(text(statement))


def create_deadline_basis(conn: Connection) -> None:
    for statement in DEADLINE_BASIS:
        conn.execute(text(statement))


def drop_deadline_basis(conn: Connection) -> None:
    conn.execute(text("DROP TRIGGER IF EXISTS matter_deadline_basis ON matter"))
    conn.execute(text("DROP FUNCTION IF EXISTS deadline_basis_new_matter()"))
    conn.execute(text("DROP TABLE IF EXISTS deadline_basis"))
