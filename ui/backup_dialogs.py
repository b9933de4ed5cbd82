"""Back up the open vault to one encrypted file, and restore a backup into a new folder."""

from __future__ import annotations

from pathlib import Path

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


def _secret(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    return field


def _path_row(field: QLineEdit, button: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(field, 1)
    row.addWidget(button)
    return row


class BackupDialog(QDialog):
    def __init__(self, vault: Vault, background: Background, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault, self.background = vault, background
        self.setWindowTitle(_("Back up the vault"))
        self.setMinimumWidth(560)
        self.target = QLineEdit()
        self.target.setAccessibleName(_("Backup file"))
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._choose)
        self.vault_secret = _secret(_("Vault passphrase"))
        self.own = QCheckBox(_("Protect the backup with its own passphrase"))
        self.own_secret = _secret(_("Backup passphrase"))
        self.own_secret.setEnabled(False)
        self.own.toggled.connect(self.own_secret.setEnabled)
        self.progress = QProgressBar()
        self.message = QLabel(
            _("The backup is one encrypted file: copy it to a USB drive kept somewhere safe.")
        )
        self.message.setWordWrap(True)
        self.start = QPushButton(_("Back up"))
        self.start.clicked.connect(self.run)
        form = QFormLayout(self)
        form.addRow(_("Save to"), _path_row(self.target, browse))
        form.addRow(_("Vault passphrase"), self.vault_secret)
        form.addRow(self.own)
        form.addRow(_("Backup passphrase"), self.own_secret)
        form.addRow(self.progress)
        form.addRow(self.message)
        form.addRow(self.start)

    def _choose(self) -> None:
        name, _f = QFileDialog.getSaveFileName(self, _("Save the backup as"), "vault.clinicbackup")
        if name:
            self.target.setText(name)

    def run(self) -> None:
        if not self.target.text():
            self.message.setText(_("Choose where to save the backup."))
            return
        vault, out = self.vault, Path(self.target.text())
        passphrase = self.vault_secret.text()
        own = self.own_secret.text() if self.own.isChecked() else None
        self.start.setEnabled(False)
        self.message.setText(_("Backing up…"))
        self.background.run(
            lambda progress: backup.backup_vault(
                vault,
                out=out,
                vault_passphrase=passphrase,
                backup_passphrase=own,
                progress=progress,
            ),
            self._done,
            self._failed,
            self._progress,
        )

    def _progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _done(self, size: int) -> None:
        self.start.setEnabled(True)
        self.message.setText(_("Backup written ({size:,} bytes, encrypted).").format(size=size))

    def _failed(self, message: str) -> None:
        self.start.setEnabled(True)
        self.message.setText(message)


class RestoreDialog(QDialog):
    """Restores into a new, empty folder and checks the result; never overwrites a vault."""

    def __init__(self, background: Background, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.background = background
        self.restored: Path | None = None
        self.setWindowTitle(_("Restore a backup"))
        self.setMinimumWidth(560)
        self.source = QLineEdit()
        self.source.setAccessibleName(_("Backup file"))
        pick = QPushButton(_("Choose…"))
        pick.clicked.connect(self._pick)
        self.folder = QLineEdit()
        self.folder.setAccessibleName(_("New vault folder"))
        pick_folder = QPushButton(_("Choose…"))
        pick_folder.clicked.connect(self._pick_folder)
        self.vault_secret = _secret(_("Vault passphrase"))
        self.own = QCheckBox(_("The backup has its own passphrase"))
        self.own_secret = _secret(_("Backup passphrase"))
        self.own_secret.setEnabled(False)
        self.own.toggled.connect(self.own_secret.setEnabled)
        self.progress = QProgressBar()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.start = QPushButton(_("Restore"))
        self.start.clicked.connect(self.run)
        form = QFormLayout(self)
        form.addRow(_("Backup file"), _path_row(self.source, pick))
        form.addRow(_("Restore into (new folder)"), _path_row(self.folder, pick_folder))
        form.addRow(_("Vault passphrase"), self.vault_secret)
        form.addRow(self.own)
        form.addRow(_("Backup passphrase"), self.own_secret)
        form.addRow(self.progress)
        form.addRow(self.message)
        form.addRow(self.start)

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
        vault_secret = self.vault_secret.text()
        own = self.own_secret.text() if self.own.isChecked() else None
        self.start.setEnabled(False)
        self.message.setText(_("Restoring and checking…"))
        self.background.run(
            lambda progress: backup.restore_backup(
                backup=source,
                target=target,
                backup_passphrase=own if own is not None else vault_secret,
                vault_passphrase=vault_secret if own is not None else None,
                progress=progress,
            ),
            lambda _r: self._done(target),
            self._failed,
            self._progress,
        )

    def _progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _done(self, target: Path) -> None:
        self.restored = target
        self.start.setEnabled(True)
        self.message.setText(
            _("Restored into {folder}; it passed its integrity check.").format(folder=target)
        )

    def _failed(self, message: str) -> None:
        self.start.setEnabled(True)
        self.message.setText(message)
