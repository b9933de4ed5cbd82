"""Every table of the vault, imported in one place so migrations and checks see the whole schema."""

from __future__ import annotations

from sqlmodel import SQLModel

import clinic_app.conflicts.models
import clinic_app.deadlines.models
import clinic_app.documents.models
import clinic_app.domain.models  # noqa: F401

metadata = SQLModel.metadata
