"""Alembic environment: runs on the connection the vault hands over (never from a URL)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import clinic_app.domain.models  # noqa: F401  (registers the tables)

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=SQLModel.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
