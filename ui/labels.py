"""Labels of matter stages, matter kinds and notices: views of the one table in domain/vocab."""

from __future__ import annotations

from clinic_app.services.vocab import LABELS

STATUS_LABELS = LABELS["stage"]
KIND_LABELS = LABELS["matter_kind"]
EVENT_LABELS = LABELS["notice"]
DECISION_LABELS = LABELS["decision"]
