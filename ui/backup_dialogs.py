"""Back up the open vault to one encrypted file, and restore a backup into a new folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QWidget,
)

from clinic_app.i18n import _
from clinic_app.services import backup
from clinic_app.services.vault_ops import Vault
from ui.background import Background
from ui.forms import secret_field


def _path_row(field: QLineEdit, button: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(field, 1)
    row.addWidget(button)
    return row


class _PassphraseJobDialog(QDialog):
    """What backing up and restoring share: the vault passphrase, an optional own passphrase for
    the backup, and a button that runs the work on the background helper with a progress bar."""

    def __init__(
        self,
        background: Background,
        title: str,
        own_label: str,
        start_label: str,
        parent: QWidget | None,
        vault_label: str = "",
    ) -> None:
        super().__init__(parent)
        self.vault_label = vault_label or _("Vault passphrase")
        self.background = background
        self.setWindowTitle(title)
        # Wide enough that a file path on a USB drive shows whole beside the Spanish labels.
        self.setMinimumWidth(720)
        self.vault_secret = secret_field(self.vault_label)
        self.own = QCheckBox(own_label)
        self.own_secret = secret_field(_("Backup passphrase"))
        self.own_secret.setEnabled(False)
        self.own.toggled.connect(self.own_secret.setEnabled)
        self.progress = QProgressBar()
        self.progress.hide()  # shown while the work runs; idle, it looked like an empty field
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.start = QPushButton(start_label)
        self.start.clicked.connect(self.run)
        self.close_button = QPushButton(_("Close"))
        self.close_button.clicked.connect(self.reject)
        self.form = QFormLayout(self)

    def _add_passphrase_rows(self) -> None:
        """Below the dialog's own rows: the passphrases, progress, message and button."""
        self.form.addRow(self.vault_label, self.vault_secret)
        self.form.addRow(self.own)
        self.form.addRow(_("Backup passphrase"), self.own_secret)
        self.form.addRow(self.progress)
        self.form.addRow(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.start)
        buttons.addWidget(self.close_button)
        self.form.addRow(buttons)

    def run(self) -> None:
        """Check the fields, then `_start` the work (each dialog says what work)."""
        raise NotImplementedError

    def _own_passphrase(self) -> str | None:
        return self.own_secret.text() if self.own.isChecked() else None

    def _start(self, busy: str, work: Callable[..., Any], done: Callable[[Any], None]) -> None:
        self.start.setEnabled(False)
        self.close_button.setEnabled(False)  # the work runs to its end: nothing half-written
        self.progress.setValue(0)
        self.progress.show()
        self.message.setText(busy)
        self.background.run(work, done, self._finished, self._progress)

    def _progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _finished(self, message: str) -> None:
        self.start.setEnabled(True)
        self.close_button.setEnabled(True)
        self.progress.hide()
        self.message.setText(message)


class BackupDialog(_PassphraseJobDialog):
    def __init__(self, vault: Vault, background: Background, parent: QWidget | None = None) -> None:
        super().__init__(
            background,
            _("Back up the vault"),
            _("Protect the backup with its own passphrase"),
            _("Back up"),
            parent,
        )
        self.vault = vault
        self.target = QLineEdit()
        self.target.setAccessibleName(_("Backup file"))
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._choose)
        self.message.setText(
            _("The backup is one encrypted file: copy it to a USB drive kept somewhere safe.")
        )
        self.form.addRow(_("Save to"), _path_row(self.target, browse))
        self._add_passphrase_rows()

    def _choose(self) -> None:
        name, _f = QFileDialog.getSaveFileName(self, _("Save the backup as"), "vault.clinicbackup")
        if name:
            self.target.setText(name)

    def run(self) -> None:
        if not self.target.text():
            self.message.setText(_("Choose where to save the backup."))
            return
        vault, out = self.vault, Path(self.target.text())
        passphrase, own = self.vault_secret.text(), self._own_passphrase()
        self._start(
            _("Backing up…"),
            lambda progress: backup.backup_vault(
                vault,
                out=out,
                vault_passphrase=passphrase,
                backup_passphrase=own,
                progress=progress,
            ),
            self._done,
        )

    def _done(self, size: int) -> None:
        # Imported here: the settings page's module loads Babel's date tables.
        from ui.pages.settings_backups import shown_size

        self._finished(_("Backup written ({size}, encrypted).").format(size=shown_size(size)))


class RestoreDialog(_PassphraseJobDialog):
    """Restores into a new, empty folder and checks the result; never overwrites a vault."""

    def __init__(self, background: Background, parent: QWidget | None = None) -> None:
        super().__init__(
            background,
            _("Restore a backup"),
            _("The backup has its own passphrase"),
            _("Restore"),
            parent,
            # The passphrase the vault had when it was backed up, not today's of another vault.
            vault_label=_("The vault's passphrase when it was backed up"),
        )
        self.restored: Path | None = None
        self.source = QLineEdit()
        self.source.setAccessibleName(_("Backup file"))
        pick = QPushButton(_("Choose…"))
        pick.clicked.connect(self._pick)
        self.folder = QLineEdit()
        self.folder.setAccessibleName(_("New vault folder"))
        pick_folder = QPushButton(_("Choose…"))
        pick_folder.clicked.connect(self._pick_folder)
        self.form.addRow(_("Backup file"), _path_row(self.source, pick))
        self.form.addRow(_("Restore into (new folder)"), _path_row(self.folder, pick_folder))
        self._add_passphrase_rows()

    def _pick(self) -> None:
        name, _f = QFileDialog.getOpenFileName(self, _("Choose a backup"))
        if name:
            self.source.setText(name)

    def _pick_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, _("Choose an empty folder"))
        if name:
            self.folder.setText(name)

    def run(self) -> None:
        if not self.source.text() or not self.folder.text():
            self.message.setText(_("Choose the backup file and a new folder to restore into."))
            return
        source, target = Path(self.source.text()), Path(self.folder.text())
        vault_secret, own = self.vault_secret.text(), self._own_passphrase()
        self._start(
            _("Restoring and checking…"),
            lambda progress: backup.restore_backup(
                backup=source,
                target=target,
                backup_passphrase=own if own is not None else vault_secret,
                vault_passphrase=vault_secret if own is not None else None,
                progress=progress,
            ),
            lambda _r: self._done(target),
        )

    def _done(self, target: Path) -> None:
        self.restored = target
        self._finished(
            _("Restored into {folder}; it passed its integrity check.").format(folder=target)
        )
