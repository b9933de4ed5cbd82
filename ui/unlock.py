"""The unlock screen: passphrase, recovery, create a new vault, open another folder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_app.i18n import _
from clinic_app.paths import is_vault
from ui.background import Background
from ui.server_connect import ServerPanel, last_choice, remember_choice
from ui.strings import shown_folder

if TYPE_CHECKING:
    from PySide6.QtGui import QEnterEvent  # at run time it would build QEvent's 180-name enum

    from clinic_app.services.vault_ops import Vault

# The unlock screen is the first window: it must not load SQLAlchemy or the services (they load
# on a background thread while the person types, ui/start_window.py), so it imports them only
# when a button needs them.


class FolderLabel(QLabel):
    """The vault's folder, selectable with the mouse so its path can be copied."""

    def enterEvent(self, event: QEnterEvent) -> None:
        # Made selectable when the mouse first comes over it, not when built: the first use of
        # any `Qt.` enum makes PySide create all ~90 of them, a sixth of a bare window's start,
        # and this label is the first window's only use. Mouse selection needs the mouse here.
        from PySide6.QtCore import Qt

        selectable = Qt.TextInteractionFlag.TextSelectableByMouse
        if self.textInteractionFlags() != selectable:
            self.setTextInteractionFlags(selectable)
        super().enterEvent(event)


class UnlockWidget(QWidget):
    """Asks for the passphrase; key derivation runs in the background so the window never freezes."""

    unlocked = Signal(object)  # the open Vault
    restore_requested = Signal()

    def __init__(self, vault_dir: Path, actor: str, background: Background) -> None:
        super().__init__()
        self.vault_dir = vault_dir
        self.actor = actor
        self.background = background
        self.setObjectName("unlock")

        title = QLabel(_("Clinic case manager"))
        title.setObjectName("title")
        font = title.font()
        font.setPointSize(font.pointSize() + 8)
        font.setBold(True)
        title.setFont(font)
        self.folder_label = FolderLabel()
        self.folder_label.setWordWrap(True)

        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(_("Vault passphrase"))
        self.passphrase.setPlaceholderText(_("Passphrase"))
        self.passphrase.returnPressed.connect(self.try_unlock)
        self.unlock_button = QPushButton(_("Unlock"))
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(_("Unlock status"))

        self.create_button = QPushButton(_("Create a new vault…"))
        self.create_button.clicked.connect(self.create_vault)
        self.recover_button = QPushButton(_("Forgot the passphrase? Use the recovery code…"))
        self.recover_button.setFlat(True)
        self.recover_button.clicked.connect(self.recover)
        self.other_button = QPushButton(_("Open another vault folder…"))
        self.other_button.setFlat(True)
        self.other_button.clicked.connect(self.choose_folder)
        self.restore_button = QPushButton(_("Restore a backup into a new folder…"))
        self.restore_button.setFlat(True)
        self.restore_button.clicked.connect(self.restore_requested.emit)

        form = QFormLayout()
        form.addRow(_("Passphrase"), self.passphrase)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.unlock_button)

        # Two ways in: this computer's vault, or the clinic server (several staff).
        self.vault_choice = QPushButton(_("Open a vault on this computer"))
        self.server_choice = QPushButton(_("Connect to the clinic server"))
        self.choices = QButtonGroup(self)
        choice_row = QHBoxLayout()
        for button in (self.vault_choice, self.server_choice):
            button.setCheckable(True)
            self.choices.addButton(button)
            choice_row.addWidget(button)
        self.vault_choice.toggled.connect(lambda: self._show_choice())
        self.server_panel = ServerPanel(background)
        self.server_panel.connected.connect(self.unlocked.emit)

        box = QVBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        intro = QLabel(_("Client records are encrypted on this laptop. Unlock to continue."))
        intro.setWordWrap(True)
        box.addWidget(intro)
        box.addSpacing(12)
        box.addWidget(self.folder_label)
        box.addLayout(form)
        box.addLayout(row)
        box.addWidget(self.message)
        box.addSpacing(12)
        box.addWidget(self.create_button)
        box.addWidget(self.recover_button)
        box.addWidget(self.other_button)
        box.addWidget(self.restore_button)
        box.addStretch(1)
        vault_panel = QWidget()
        vault_panel.setLayout(box)
        self.modes = QStackedWidget()
        self.modes.addWidget(vault_panel)
        self.modes.addWidget(self.server_panel)

        column = QVBoxLayout()
        column.addWidget(title)
        column.addLayout(choice_row)
        column.addSpacing(8)
        column.addWidget(self.modes, 1)
        panel = QWidget()
        panel.setLayout(column)
        panel.setMaximumWidth(520)
        # The way in used last time comes first.
        (self.server_choice if last_choice() == "server" else self.vault_choice).setChecked(True)
        self.modes.setCurrentIndex(1 if self.server_choice.isChecked() else 0)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(panel)
        outer.addStretch(1)
        self.refresh()

    def choose_server(self) -> None:
        """Show the clinic server side (after a server session locks, it asks the password)."""
        self.server_choice.setChecked(True)

    def say(self, text: str) -> None:
        """A message on whichever side is showing."""
        self.message.setText(text)
        self.server_panel.message.setText(text)

    def locked_label(self) -> str:
        if self.server_choice.isChecked():
            return _("Clinic server: not connected")
        return _("Vault: {folder}").format(folder=shown_folder(self.vault_dir))

    def _show_choice(self) -> None:
        # The state is read from the button, not from the toggled argument.
        self.modes.setCurrentIndex(0 if self.vault_choice.isChecked() else 1)
        self.refresh()

    def refresh(self) -> None:
        if self.server_choice.isChecked():
            self.server_panel.focus_first_empty()
            return
        exists = is_vault(self.vault_dir)
        if exists:
            self.folder_label.setText(
                _("Vault: {folder}").format(folder=shown_folder(self.vault_dir))
            )
        else:
            self.folder_label.setText(
                _("No vault in {folder} yet: create one, or open another folder.").format(
                    folder=shown_folder(self.vault_dir)
                )
            )
        for widget in (self.passphrase, self.unlock_button, self.recover_button):
            widget.setEnabled(exists)
        self.create_button.setEnabled(not exists)
        # Only what this folder allows is offered: a greyed-out "Create a new vault…" over a
        # vault (or a recovery code with no vault to recover) only raised the question why.
        self.create_button.setVisible(not exists)
        self.recover_button.setVisible(exists)
        self.passphrase.setFocus()

    def set_busy(self, busy: bool, text: str = "") -> None:
        for widget in (
            self.passphrase,
            self.unlock_button,
            self.create_button,
            self.other_button,
            self.recover_button,
        ):
            widget.setEnabled(not busy)
        self.message.setText(text)
        if not busy:
            self.refresh()

    def try_unlock(self) -> None:
        secret = self.passphrase.text()
        if not secret:
            self.message.setText(_("Type the vault passphrase."))
            return
        self.set_busy(True, _("Unlocking…"))
        folder, actor = self.vault_dir, self.actor

        def open_vault() -> Vault:
            # On the worker. The key derivation needs no database code, so it runs first, while
            # that code may still be loading (ui/start_window.py); the open then takes its key.
            from clinic_app.services import unlock_ahead

            unlock_ahead.derive_ahead(folder, passphrase=secret)
            try:
                from clinic_app.services import vault_ops

                return vault_ops.open_vault(folder, passphrase=secret, actor=actor)
            finally:
                unlock_ahead.forget_ahead()

        self.background.run(open_vault, self._opened, self._failed)

    def _opened(self, vault: Vault) -> None:
        remember_choice("vault")
        self.passphrase.clear()
        self.set_busy(False)
        self.unlocked.emit(vault)

    def _failed(self, message: str) -> None:
        self.set_busy(False)
        self.message.setText(message)
        self.passphrase.selectAll()

    def create_vault(self) -> None:
        from ui.create_vault import CreateVaultDialog

        dialog = CreateVaultDialog(self.vault_dir, self.actor, self.background, self)
        if dialog.exec() and dialog.vault is not None:
            self.refresh()
            self.unlocked.emit(dialog.vault)

    def recover(self) -> None:
        from ui.create_vault import RecoverDialog

        dialog = RecoverDialog(self.vault_dir, self.actor, self.background, self)
        if dialog.exec() and dialog.vault is not None:
            self.unlocked.emit(dialog.vault)

    def choose_folder(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        folder = QFileDialog.getExistingDirectory(
            self, _("Choose a vault folder"), str(self.vault_dir.parent)
        )
        if folder:
            self.vault_dir = Path(folder)
            self.message.clear()
            self.refresh()
