"""Dialogs to create a vault (with its recovery code shown once) and to recover with that code."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_app.i18n import N_, _
from clinic_app.services import vault_ops
from clinic_app.services.vault_ops import Vault
from ui.background import Background
from ui.forms import secret_field
from ui.recovery_code import code_label, print_code

# The passphrase's strength in one word, shown in its meter (the hint under it says why).
STRENGTH_WORDS = {
    0: N_("Too short"),
    1: N_("Weak"),
    2: N_("Fair"),
    3: N_("Good"),
    4: N_("Strong"),
}


class CreateVaultDialog(QDialog):
    """Passphrase twice with a strength hint; then the recovery code, once, before going on."""

    def __init__(
        self, folder: Path, actor: str, background: Background, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Create a vault"))
        self.folder, self.actor, self.background = folder, actor, background
        self.vault: Vault | None = None
        self.code = ""

        self.first = secret_field(_("New passphrase"))
        self.second = secret_field(_("Repeat the passphrase"))
        self.strength = QProgressBar()
        self.strength.setRange(0, 4)
        # Its word inside the bar: an empty bar alone reads as a field to type in.
        self.strength.setTextVisible(True)
        self.strength.setAccessibleName(_("Passphrase strength"))
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.first.textChanged.connect(self._rate)
        self.create_button = QPushButton(_("Create vault"))
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self._create)

        page1 = QWidget()
        form = QFormLayout(page1)
        form.addRow(QLabel(_("Vault folder: {folder}").format(folder=folder)))
        form.addRow(_("Passphrase"), self.first)
        form.addRow(_("Repeat"), self.second)
        form.addRow(_("Strength"), self.strength)
        form.addRow(self.hint)
        form.addRow(self.error)
        form.addRow(self.create_button)

        self.code_label = code_label()
        self.stored = QCheckBox(
            _("I have printed or written down the recovery code and stored it safely")
        )
        self.print_button = QPushButton(_("Print…"))
        self.print_button.clicked.connect(self._print)
        self.done_button = QPushButton(_("Continue"))
        self.done_button.setEnabled(False)
        self.stored.toggled.connect(self.done_button.setEnabled)
        self.done_button.clicked.connect(self.accept)
        page2 = QWidget()
        box = QVBoxLayout(page2)
        explain = QLabel(
            _(
                "This recovery code is shown once and never stored. With it you can set a new "
                "passphrase if the passphrase is forgotten. Without either, nobody can open "
                "the vault."
            )
        )
        explain.setWordWrap(True)
        box.addWidget(explain)
        box.addWidget(self.code_label)
        box.addWidget(self.print_button)
        box.addWidget(self.stored)
        box.addWidget(self.done_button)

        self.pages = QStackedWidget()
        self.pages.addWidget(page1)
        self.pages.addWidget(page2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self._rate("")

    def _rate(self, text: str) -> None:
        score, hint = vault_ops.passphrase_strength(text)
        self.strength.setValue(score)
        self.strength.setFormat(_(STRENGTH_WORDS[score]))
        self.hint.setText(_(hint))

    def _create(self) -> None:
        if self.first.text() != self.second.text():
            self.error.setText(_("The two passphrases differ."))
            return
        try:
            vault_ops.check_new_passphrase(self.first.text())
        except Exception as exc:  # VaultError carries the sentence
            self.error.setText(str(exc))
            return
        self.create_button.setEnabled(False)
        self.error.setText(_("Creating the vault…"))
        secret, folder, actor = self.first.text(), self.folder, self.actor
        self.background.run(
            lambda: vault_ops.create_vault(folder, passphrase=secret, actor=actor),
            self._created,
            self._failed,
        )

    def _created(self, result: tuple[Vault, str]) -> None:
        self.vault, self.code = result
        self.first.clear()
        self.second.clear()
        self.code_label.setText(self.code)
        self.pages.setCurrentIndex(1)

    def _failed(self, message: str) -> None:
        self.create_button.setEnabled(True)
        self.error.setText(message)

    def _print(self) -> None:
        print_code(self, self.code)

    def reject(self) -> None:
        if self.vault is not None and not self.stored.isChecked():
            return  # the code must be acknowledged once the vault exists
        super().reject()


class RecoverDialog(QDialog):
    """Unlock with the recovery code and choose a new passphrase."""

    def __init__(
        self, folder: Path, actor: str, background: Background, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Recover the vault"))
        self.folder, self.actor, self.background = folder, actor, background
        self.vault: Vault | None = None
        self.code = QLineEdit()
        self.code.setAccessibleName(_("Recovery code"))
        self.first = secret_field(_("New passphrase"))
        self.second = secret_field(_("Repeat the new passphrase"))
        self.error = QLabel()
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._recover)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(_("Recovery code"), self.code)
        form.addRow(_("New passphrase"), self.first)
        form.addRow(_("Repeat"), self.second)
        form.addRow(self.error)
        form.addRow(buttons)
        self.buttons = buttons

    def _recover(self) -> None:
        if self.first.text() != self.second.text():
            self.error.setText(_("The two passphrases differ."))
            return
        code, secret, folder, actor = self.code.text(), self.first.text(), self.folder, self.actor
        self.buttons.setEnabled(False)
        self.error.setText(_("Checking the recovery code…"))
        self.background.run(
            lambda: vault_ops.recover_vault(
                folder, recovery_code=code, new_passphrase=secret, actor=actor
            ),
            self._done,
            self._failed,
        )

    def _done(self, vault: Vault) -> None:
        self.vault = vault
        self.accept()

    def _failed(self, message: str) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(message)
