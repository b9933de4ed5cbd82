"""One line on Today when a rule pack is past its review date (its sources may have changed)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLabel, QWidget

from clinic_app.i18n import _
from clinic_app.services import rule_status
from clinic_app.services.vault_ops import Vault


class StaleRulesLine(QLabel):
    """Hidden while every pack is current; otherwise one sentence per stale pack."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("staleRules")
        self.setAccessibleName(_("Rule packs to re-check"))
        self.setWordWrap(True)
        # A word carries the warning too, not only the colour.
        self.setStyleSheet("color:#8a4b00")
        self.hide()

    def refresh(self, vault: Vault | None, today: date) -> None:
        stale = rule_status.stale_packs(vault, today=today) if vault is not None else []
        lines = [_("Rules to re-check: {line}").format(line=s.line) for s in stale]
        self.setText("\n".join(lines))
        self.setVisible(bool(lines))
