"""Settings → "Change the vault passphrase…": the new passphrase typed twice in one form that
says how strong it is as it is typed and stays open, saying why, until it is accepted."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QWidget

from clinic_app.errors import ClinicError
from clinic_app.i18n import _
from clinic_app.services import vault_ops
from clinic_app.services.vault_ops import Vault
from ui.feedback import desktop_message, mark_error
from ui.forms import FORM_WIDTH, error_label, save_cancel, secret_field


class PassphraseDialog(QDialog):
    """Two fields and a strength line; Save changes the vault's passphrase (the recovery code
    keeps working), a mismatch or a refused passphrase is said in the form, nothing changed."""

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault = vault
        self.setWindowTitle(_("New passphrase"))
        self.setMinimumWidth(FORM_WIDTH)
        self.first = secret_field(_("New passphrase"))
        self.second = secret_field(_("Repeat it"))
        self.strength = QLabel(vault_ops.passphrase_strength("")[1])
        self.strength.setObjectName("passphraseStrength")
        self.strength.setWordWrap(True)
        self.error = error_label()
        form = QFormLayout(self)
        form.addRow(_("New passphrase"), self.first)
        form.addRow("", self.strength)
        form.addRow(_("Repeat it"), self.second)
        form.addRow(self.error)
        self.buttons = save_cancel(self, self.save)
        form.addRow(self.buttons)
        self.first.textChanged.connect(self._typed)
        self.second.textChanged.connect(lambda _t: self._fixed())

    def _typed(self, text: str) -> None:
        self.strength.setText(vault_ops.passphrase_strength(text)[1])
        self._fixed()

    def _fixed(self) -> None:
        for field in (self.first, self.second):
            mark_error(field, False)
        self.error.clear()

    def save(self) -> None:
        first, second = self.first.text(), self.second.text()
        if first != second:
            mark_error(self.second, True)
            self.error.setText(_("The two passphrases differ."))
            return
        try:
            vault_ops.change_passphrase(self.vault, new_passphrase=first)
        except ClinicError as exc:
            mark_error(self.first, True)
            self.error.setText(desktop_message(exc))
            return
        self.accept()
