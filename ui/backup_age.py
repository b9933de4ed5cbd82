"""One line on Today: how old the last verified backup is, and a warning when backups were missed."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from clinic_app.errors import ClinicError
from clinic_app.i18n import _
from clinic_app.services import ChangeSet, backup_status
from clinic_app.services.changes import SETTING
from clinic_app.services.vault_ops import Vault
from ui.auto_backup import local_now
from ui.bus import ChangeBus

# Colours only: the label's margin gives the room (padding in a style sheet would eat into the
# space its text is measured against).
OK_STYLE = "QLabel#backupAge { color: #1b5e20; }"
WARNING_STYLE = "QLabel#backupAge { color: #6d3b00; background: #fff4e5; }"


class BackupAgeRow(QLabel):
    """Reads the core's backup status; a warning carries a sign and words, not colour alone."""

    def __init__(self, bus: ChangeBus) -> None:
        super().__init__()
        self.setObjectName("backupAge")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAccessibleName(_("Backup status"))
        self.setMargin(5)
        self.vault: Vault | None = None
        self.clock: Callable[[], datetime] = local_now
        self.warning = False
        bus.changed.connect(self._on_changes)

    def show_for(self, vault: Vault | None) -> None:
        self.vault = vault
        self.refresh()

    def refresh(self) -> None:
        self.clear()
        self.warning = False
        if self.vault is None:
            return
        try:
            status = backup_status.backup_status(self.vault, now=self.clock())
        except ClinicError as exc:
            status = None
            text = html.escape(exc.message)
        if status is not None:
            self.warning = status.warning
            text = html.escape(status.message.rstrip(".") + ".")
            if status.warning:
                advice = (
                    _("Set a backup plan in Settings → Backups.")
                    if status.every == "off"
                    else _("Connect a backup folder, or check Settings → Backups.")
                )
                text = f"⚠ <b>{text}</b> {html.escape(advice)}"
            for note in status.notes:
                text += "<br>" + html.escape(note)
        style = WARNING_STYLE if self.warning else OK_STYLE
        if self.styleSheet() != style:  # setting one re-styles the row, even the same one
            self.setStyleSheet(style)
        self.setText(text)

    def _on_changes(self, changes: ChangeSet) -> None:
        if self.vault is not None and changes.touches(SETTING):
            self.refresh()
