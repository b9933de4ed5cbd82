"""Settings → Staff accounts (clinic server admins only): who signs in, add, reset, disable, enable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clinic_app.i18n import N_, _, format_number, ngettext
from clinic_app.services import ChangeSet, staff_accounts
from clinic_app.services.changes import STAFF
from clinic_app.services.staff_accounts import Account, SignInChanged, Store
from ui.background import Background
from ui.bus import ChangeBus
from ui.confirm import choose
from ui.forms import ERROR_STYLE, error_label, save_cancel, secret_field
from ui.guards import guarded

# The order a person reads the roles in, most common first.
ROLE_ORDER = ("attorney", "paralegal", "volunteer", "admin")
OWN_PASSWORD = N_("Settings → General → Your password on the clinic server")


def who(account: Account) -> str:
    """A person as the tab names them in sentences: 'Omar Back (omar_back)'."""
    if account.name and account.name != account.login:
        return f"{account.name} ({account.login})"
    return account.login


def sessions_ended(ended: int | None) -> str:
    """What became of the person's open sessions, in one sentence."""
    if ended is None:
        return _(
            "This server does not let clinic admins end open sessions, so a session they already "
            "have open carries on until it closes."
        )
    if not ended:
        return _("They had no open session.")
    return ngettext(
        "Their {n} open session was ended.", "Their {n} open sessions were ended.", ended
    ).format(n=format_number(ended))


class ResetDialog(QDialog):
    """A new password for one person, typed twice; the reset runs off the GUI thread."""

    def __init__(self, parent: QWidget, store: Store, account: Account, background: Background):
        super().__init__(parent)
        self.store, self.account, self.background = store, account, background
        self.ended: int | None = 0
        self.setWindowTitle(_("Reset a password"))
        self.password = secret_field(_("New password"))
        self.repeat = secret_field(_("Repeat it"))
        form = QFormLayout()
        form.addRow(_("New password"), self.password)
        form.addRow(_("Repeat it"), self.repeat)
        self.note = QLabel(
            _(
                "A new password for {person}. Their open sessions (another computer, the desktop "
                "app, a command line) end at once; give them the new password privately, and they "
                "can choose their own afterwards."
            ).format(person=who(account))
        )
        self.note.setWordWrap(True)
        self.error = error_label()
        self.buttons = save_cancel(self, self.save)
        # The button says what it does (the reset happens at once, nothing else is "saved").
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Reset the password"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)

    def save(self) -> None:
        password, repeat = self.password.text(), self.repeat.text()
        self.buttons.setEnabled(False)
        self.error.setText(_("Resetting the password…"))
        self.background.run(
            lambda: staff_accounts.reset_password(
                self.store, login=self.account.login, password=password, repeat=repeat
            ),
            self._done,
            self._failed,
        )

    def _done(self, ended: object) -> None:
        self.ended = ended if isinstance(ended, int) else None
        self.accept()

    def _failed(self, message: str) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(message)


class AccountsTab(QWidget):
    """The accounts on the clinic server, the actions on the chosen one, and Add a person."""

    def __init__(self, bus: ChangeBus, background: Background) -> None:
        super().__init__()
        self.bus, self.background = bus, background
        self.store: Store | None = None
        self.accounts: list[Account] = []
        self.reset_dialog: ResetDialog | None = None

        intro = QLabel(
            _(
                "Everyone who signs in to the clinic server, and what they may do. Only clinic "
                "admins see this tab; every change here is in the audit log."
            )
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setAccessibleName(_("Staff accounts"))
        self.table.setHorizontalHeaderLabels(
            [_("Account"), _("Name on the staff list"), _("Role"), _("Can sign in")]
        )
        header = self.table.horizontalHeader()
        # Every column as wide as its header and rows (a stretched one was squeezed under its
        # header in Spanish); the last takes what is left.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.itemSelectionChanged.connect(self._chosen_changed)

        self.reset_button = QPushButton(_("Reset password…"))
        self.reset_button.clicked.connect(lambda _checked=False: self.reset())
        self.disable_button = QPushButton(_("Disable…"))
        self.disable_button.clicked.connect(lambda _checked=False: self.disable())
        self.enable_button = QPushButton(_("Enable"))
        self.enable_button.clicked.connect(lambda _checked=False: self.enable())
        row = QHBoxLayout()
        for button in (self.reset_button, self.disable_button, self.enable_button):
            row.addWidget(button)
        row.addStretch(1)
        self.message = QLabel(_("Choose a person in the list to reset, disable or enable."))
        self.message.setWordWrap(True)

        accounts_box = QGroupBox(_("Accounts"))
        abox = QVBoxLayout(accounts_box)
        abox.addWidget(intro)
        abox.addWidget(self.table, 1)
        abox.addLayout(row)
        abox.addWidget(self.message)

        self.login = QLineEdit()
        self.login.setPlaceholderText(_("e.g. attorney1"))
        self.full_name = QLineEdit()
        self.role = guarded(QComboBox())
        for key in ROLE_ORDER:
            self.role.addItem(_(staff_accounts.ROLE_LABELS[key]), key)
        self.role.setPlaceholderText(_("Choose a role"))
        self.role.setCurrentIndex(-1)  # a role is chosen on purpose, never by default
        self.password = secret_field(_("First password"))
        self.repeat = secret_field(_("Repeat it"))
        form = QFormLayout()
        for field, label in (
            (self.login, _("Account name")),
            (self.full_name, _("Name on the staff list")),
            (self.role, _("Role")),
            (self.password, _("First password")),
            (self.repeat, _("Repeat it")),
        ):
            field.setAccessibleName(label)
            form.addRow(label, field)
        self.add_button = QPushButton(_("Add person"))
        self.add_button.clicked.connect(lambda _checked=False: self.add())
        for field in (self.login, self.full_name, self.password, self.repeat):
            field.returnPressed.connect(self.add_button.click)  # Enter adds, as in a dialog
        hint = QLabel(
            _(
                "The account name is what they type to sign in: lower-case letters, digits and "
                "underscores. Give them the first password privately; they can change it under "
                "{where}."
            ).format(where=_(OWN_PASSWORD))
        )
        hint.setWordWrap(True)
        self.add_message = QLabel()
        self.add_message.setWordWrap(True)
        add_box = QGroupBox(_("Add a person"))
        add_layout = QVBoxLayout(add_box)
        add_layout.addWidget(hint)
        add_layout.addLayout(form)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        add_layout.addLayout(add_row)
        add_layout.addWidget(self.add_message)
        add_layout.addStretch(1)  # the form stays together at the top, as a person reads it

        layout = QHBoxLayout(self)
        layout.addWidget(accounts_box, 3)
        layout.addWidget(add_box, 2)
        self._chosen_changed()

    # -- the list ---------------------------------------------------------------------------------

    def set_store(self, store: Store | None, *, manage: bool) -> None:
        """Show `store`'s accounts when this session may manage them; else forget them."""
        self.store = store if manage else None
        if self.store is None:
            if self.reset_dialog is not None and self.reset_dialog.isVisible():
                self.reset_dialog.reject()  # locked: a typed password goes with the session
            self.accounts = []
            self.table.setRowCount(0)
            for field in (self.login, self.full_name, self.password, self.repeat):
                field.clear()
            self._chosen_changed()
            return
        self.reload()

    def reload(self) -> None:
        if self.store is None:
            return
        kept = self.chosen()
        self.accounts = staff_accounts.list_accounts(self.store)
        self.table.setRowCount(len(self.accounts))
        for row, account in enumerate(self.accounts):
            login = (
                _("{login} (you)").format(login=account.login) if account.is_me else account.login
            )
            can = _("Yes") if account.active else _("No — disabled")
            role = _(staff_accounts.ROLE_LABELS.get(account.role, account.role))
            for column, words in enumerate((login, account.name, role, can)):
                self.table.setItem(row, column, QTableWidgetItem(words))
        if kept is not None:
            self.choose(kept.login)
        self._chosen_changed()

    def choose(self, login: str) -> None:
        for row, account in enumerate(self.accounts):
            if account.login == login:
                self.table.selectRow(row)
                return

    def chosen(self) -> Account | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.accounts):
            return None
        return self.accounts[rows[0].row()]

    def _chosen_changed(self) -> None:
        account = self.chosen()
        others = account is not None and not account.is_me
        self.reset_button.setEnabled(others)
        self.disable_button.setEnabled(others and account is not None and account.active)
        self.enable_button.setEnabled(account is not None and not account.active)
        if account is not None and account.is_me:
            self._say(
                _("This is your own account: change your password under {where}.").format(
                    where=_(OWN_PASSWORD)
                )
            )

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)

    # -- actions ----------------------------------------------------------------------------------

    def add(self) -> None:
        store = self.store
        if store is None:
            return
        values = {
            "login": self.login.text(),
            "name": self.full_name.text(),
            "role": str(self.role.currentData() or ""),
            "password": self.password.text(),
            "repeat": self.repeat.text(),
        }
        self.add_button.setEnabled(False)
        self.add_message.setStyleSheet("")
        self.add_message.setText(_("Adding the account…"))
        self.background.run(
            lambda: staff_accounts.add_account(store, **values), self._added, self._add_failed
        )

    def _added(self, account: object) -> None:
        self.add_button.setEnabled(True)
        assert isinstance(account, Account)
        for field in (self.login, self.full_name, self.password, self.repeat):
            field.clear()
        self.role.setCurrentIndex(-1)
        done = _(
            "Added {person} as {role}. Give them the first password privately; they can change "
            "it under {where}."
        ).format(
            person=who(account),
            role=_(staff_accounts.ROLE_LABELS[account.role]),
            where=_(OWN_PASSWORD),
        )
        self.add_message.setText(done)
        self._changed(done)
        self.choose(account.login)

    def _add_failed(self, message: str) -> None:
        self.add_button.setEnabled(True)
        self.add_message.setStyleSheet(ERROR_STYLE)
        self.add_message.setText(message)

    def reset(self) -> None:
        account = self.chosen()
        if self.store is None or account is None:
            return
        dialog = ResetDialog(self, self.store, account, self.background)
        self.reset_dialog = dialog
        dialog.accepted.connect(lambda: self._reset_done(dialog))
        dialog.open()  # window-modal, without a nested event loop: the reset runs meanwhile

    def _reset_done(self, dialog: ResetDialog) -> None:
        done = _("The password of {person} is reset: give it to them privately.").format(
            person=who(dialog.account)
        )
        self._say(done + " " + sessions_ended(dialog.ended))
        self.bus.said.emit(done)

    def disable(self) -> None:
        account = self.chosen()
        if self.store is None or account is None:
            return
        answer = choose(
            self,
            _("Disable an account"),
            _(
                "Disable the account of {person}? They can no longer sign in, and their open "
                "sessions end at once. Their records and history stay, and you can enable the "
                "account again later."
            ).format(person=who(account)),
            [("disable", _("Disable the account")), ("cancel", _("Cancel"))],
            default="cancel",
            cancel="cancel",
        )
        if answer == "disable":
            self._sign_in(account, staff_accounts.disable_account)

    def enable(self) -> None:
        account = self.chosen()
        if account is not None:
            self._sign_in(account, staff_accounts.enable_account)

    def _sign_in(self, account: Account, step: Callable[..., SignInChanged]) -> None:
        store = self.store
        if store is None:
            return
        for button in (self.reset_button, self.disable_button, self.enable_button):
            button.setEnabled(False)
        self._say(_("Changing the account of {person}…").format(person=who(account)))
        self.background.run(
            lambda: step(store, login=account.login), self._signed_in, self._sign_in_failed
        )

    def _signed_in(self, result: Any) -> None:
        assert isinstance(result, SignInChanged)
        account = result.account
        if account.active:
            done = _(
                "{person} can sign in again, with the password they had (forgotten? Reset "
                "password…)."
            ).format(person=who(account))
        else:
            done = _("{person} can no longer sign in; their records and history stay.").format(
                person=who(account)
            )
            if result.changed:
                done += " " + sessions_ended(result.ended)
        self._changed(done)
        self._say(done)

    def _sign_in_failed(self, message: str) -> None:
        self._chosen_changed()
        self._say(message, error=True)

    def _changed(self, said: str) -> None:
        """The staff list changed (a new row, a person active or not): every screen re-reads."""
        self.reload()
        self.bus.publish(ChangeSet.of(STAFF), said)
