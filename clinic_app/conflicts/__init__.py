"""Conflict check at intake: the same person or an adverse party under any spelling (no Qt)."""

from __future__ import annotations

from clinic_app.conflicts.check import (
    ADVERSE_PARTY,
    EMPLOYER,
    SAME_PERSON,
    ConflictMatch,
    check_employer,
    check_person,
)
from clinic_app.conflicts.score import THRESHOLD, Person, score_person

__all__ = [
    "ADVERSE_PARTY",
    "EMPLOYER",
    "SAME_PERSON",
    "THRESHOLD",
    "ConflictMatch",
    "Person",
    "check_employer",
    "check_person",
    "score_person",
]
