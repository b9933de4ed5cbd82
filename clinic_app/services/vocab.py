"""Words for the core's ids, for screens: the domain's vocabulary table, offered through services."""

from __future__ import annotations

from clinic_app.domain.vocab import LABELS, country_label, label, language_label, rule_when

__all__ = ["LABELS", "country_label", "label", "language_label", "rule_when"]
