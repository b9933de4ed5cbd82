"""Connect to the clinic server: its address, the clinic CA file, your name; the password each time.

The address, CA file and name are remembered on this computer (they are not secrets); the
password is asked at every connection and after every lock, and never written anywhere.
Like the unlock screen, this loads no database code until Connect is pressed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic_app.i18n import _
from ui.background import Background

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings

KEYS = {"url": "server/url", "ca": "server/ca_file", "user": "server/user"}
CHOICE_KEY = "start/choice"  # "server" once a server session opened; "vault" after a vault's


def remember_choice(choice: str) -> None:
    settings = _settings()
    settings.setValue(CHOICE_KEY, choice)
    settings.sync()


def last_choice() -> str:
    return str(_settings().value(CHOICE_KEY, "vault"))


def _settings() -> QSettings:
    from ui.app import device_settings  # ui.app imports this module's users

    return device_settings()


class ServerPanel(QWidget):
    """The 'Connect to the clinic server' side of the start screen."""

    connected = Signal(object)  # the open server store

    def __init__(self, background: Background) -> None:
        super().__init__()
        self.background = background
        intro = QLabel(
            _(
                "Several staff work on the clinic's server. Your password is asked each time "
                "and never stored."
            )
        )
        intro.setWordWrap(True)
        self.url = QLineEdit()
        self.url.setAccessibleName(_("Server address"))
        self.url.setPlaceholderText("postgresql://clinic-server.local:5432/clinic")
        self.ca_file = QLineEdit()
        self.ca_file.setAccessibleName(_("Clinic CA file"))
        self.ca_file.setPlaceholderText("clinic-ca.crt")
        self.choose_ca = QPushButton(_("Choose…"))
        self.choose_ca.clicked.connect(lambda: self._choose_ca())
        self.user = QLineEdit()
        self.user.setAccessibleName(_("Your account name on the clinic server"))
        # The login the administrator created, not the person's full name.
        self.user.setPlaceholderText(_("as the clinic's administrator gave it to you"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(_("Password"))
        self.password.returnPressed.connect(self.try_connect)
        self.connect_button = QPushButton(_("Connect"))
        self.connect_button.clicked.connect(lambda: self.try_connect())
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(_("Connection status"))

        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(self.choose_ca)
        form = QFormLayout()
        form.addRow(_("Server address"), self.url)
        form.addRow(_("Clinic CA file"), ca_row)
        form.addRow(_("Your account name"), self.user)
        form.addRow(_("Password"), self.password)
        button_row = QHBoxLayout()
        button_row.addStretch(1)
        button_row.addWidget(self.connect_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(intro)
        box.addLayout(form)
        box.addLayout(button_row)
        box.addWidget(self.message)
        box.addStretch(1)
        self.recall()

    def recall(self) -> None:
        """The address, CA file and name of the last connection made on this computer."""
        from clinic_app.services.server_address import without_password

        settings = _settings()
        url = str(settings.value(KEYS["url"], ""))
        if without_password(url) != url:
            # Saved before such addresses were refused: neither shown nor kept any longer.
            url = without_password(url)
            settings.setValue(KEYS["url"], url)
            settings.sync()
        self.url.setText(url)
        self.ca_file.setText(str(settings.value(KEYS["ca"], "")))
        self.user.setText(str(settings.value(KEYS["user"], "")))

    def focus_first_empty(self) -> None:
        for field in (self.url, self.user, self.password):
            if not field.text():
                field.setFocus()
                return
        self.password.setFocus()

    def _choose_ca(self) -> None:
        # Imported when used: naming QFileDialog makes PySide build its six enums, at start-up.
        from PySide6.QtWidgets import QFileDialog

        path, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the clinic CA file"), self.ca_file.text(), "*.crt *.pem"
        )
        if path:
            self.ca_file.setText(path)

    def _set_busy(self, busy: bool, text: str = "") -> None:
        for widget in (self.url, self.ca_file, self.choose_ca, self.user, self.password):
            widget.setEnabled(not busy)
        self.connect_button.setEnabled(not busy)
        self.message.setText(text)

    def try_connect(self) -> None:
        url, ca, user, password = (
            self.url.text().strip(),
            self.ca_file.text().strip(),
            self.user.text().strip(),
            self.password.text(),
        )
        self._set_busy(True, _("Connecting…"))

        def connect() -> Any:
            # On the worker: the database code may still be loading (ui/start_window.py).
            from clinic_app.services import server_session

            return server_session.connect_server(
                url, ca_file=ca or None, user=user, password=password
            )

        self.background.run(connect, self._connected, self._failed)

    def _connected(self, store: object) -> None:
        self.password.clear()
        self._set_busy(False)
        settings = _settings()
        settings.setValue(KEYS["url"], self.url.text().strip())
        settings.setValue(KEYS["ca"], self.ca_file.text().strip())
        settings.setValue(KEYS["user"], self.user.text().strip())
        settings.setValue(CHOICE_KEY, "server")
        settings.sync()
        self.connected.emit(store)

    def _failed(self, message: str) -> None:
        self._set_busy(False)
        self.message.setText(message)
        self.password.selectAll()
        self.password.setFocus()
