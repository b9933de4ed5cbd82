"""Settings → "Your password on the clinic server": a person changes their own login password."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit, QPushButton, QVBoxLayout

from clinic_app.i18n import _, ngettext
from clinic_app.services import server_session
from clinic_app.services.vault_ops import Vault
from ui.background import Background


class PasswordBox(QGroupBox):
    """Current, new and repeated password, and the button; the key derivations (a few tenths of a
    second each) run off the GUI thread."""

    def __init__(self, store: Callable[[], Vault | None], background: Background) -> None:
        super().__init__(_("Your password on the clinic server"))
        self._store, self.background = store, background
        self.current = QLineEdit()
        self.new = QLineEdit()
        self.repeat = QLineEdit()
        form = QFormLayout()
        for field, name in (
            (self.current, _("Current password")),
            (self.new, _("New password")),
            (self.repeat, _("Repeat it")),
        ):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setAccessibleName(name)
            form.addRow(name, field)
        self.button = QPushButton(_("Change my password"))
        self.button.clicked.connect(lambda _checked=False: self.change())
        self.message = QLabel(
            _(
                "Your copy of the clinic's file key is wrapped under the new password in the same "
                "step; other people's passwords do not change. Forgot it? A clinic admin resets it."
            )
        )
        self.message.setWordWrap(True)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.button)
        box.addWidget(self.message)

    def clear(self) -> None:
        for field in (self.current, self.new, self.repeat):
            field.clear()

    def change(self) -> None:
        store = self._store()
        if store is None:
            return
        current, new, repeat = self.current.text(), self.new.text(), self.repeat.text()
        self.button.setEnabled(False)
        self.message.setText(_("Changing your password…"))
        self.background.run(
            lambda: server_session.change_my_password(
                store, current=current, new=new, repeat=repeat
            ),
            self._done,
            self._failed,
        )

    def _done(self, ended: object) -> None:
        self.button.setEnabled(True)
        self.clear()
        done = _(
            "Done: your password is changed. Use the new one the next time you connect; this "
            "session carries on."
        )
        if isinstance(ended, int) and ended:
            # A session the person forgot (or one someone else holds) must not outlive this.
            done += " " + ngettext(
                "Your {n} other open session (another computer or a command line) was ended.",
                "Your {n} other open sessions (other computers or a command line) were ended.",
                ended,
            ).format(n=ended)
        self.message.setText(done)

    def _failed(self, message: str) -> None:
        self.button.setEnabled(True)
        self.message.setText(message)
