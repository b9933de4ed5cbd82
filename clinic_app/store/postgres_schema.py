"""Installing and upgrading the app's schema on a PostgreSQL database (the same Alembic chain)."""

from __future__ import annotations

from sqlalchemy import Engine

from clinic_app.errors import VaultError
from clinic_app.i18n import _
from clinic_app.vault import migrate


def install_schema(engine: Engine) -> bool:
    """Create or upgrade the schema (tables, search, audit guards, file and key tables) in one
    transaction; returns True if anything ran. The engine's login must be allowed to create
    tables and the `unaccent` and `pg_trgm` extensions (the database owner can)."""
    from alembic import command
    from alembic.script import ScriptDirectory

    current = migrate.current_revision(engine)
    wanted = migrate.head_revision()
    if current == wanted:
        return False
    if current is not None:
        try:
            known = ScriptDirectory.from_config(migrate.alembic_config()).get_revision(current)
        except Exception:  # alembic raises several kinds for a revision it has never heard of
            known = None
        if known is None:
            raise VaultError(
                _(
                    "The clinic server's database was set up by a newer version of clinic-app; update the app on this computer."
                )
            )
    cfg = migrate.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return True
