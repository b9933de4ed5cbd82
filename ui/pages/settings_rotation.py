"""Settings → "Change passphrase and lock out old copies": a new vault key, after a suspected leak."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from clinic_app.errors import ClinicError
from clinic_app.i18n import _, format_number, ngettext
from clinic_app.services import vault_ops
from clinic_app.services.vault_ops import Vault
from ui.background import Background
from ui.confirm import choose
from ui.feedback import desktop_message
from ui.forms import secret_field

# What a rotation moves per second, kept low so the estimate errs long: 42 MB of scans took 13 s
# on a 2-core machine at load 12, two Argon2id derivations included.
MB_PER_SECOND = 10
FIXED_SECONDS = 10


def how_long(size_bytes: int) -> str:
    seconds = FIXED_SECONDS + size_bytes / 1e6 / MB_PER_SECOND
    if seconds < 60:
        return _("less than a minute")
    minutes = round(seconds / 60 + 0.5)
    return ngettext("about {n} minute", "about {n} minutes", minutes).format(n=minutes)


def confirmation(files: int, size_bytes: int) -> str:
    """What the confirmation says: what happens, what stops working, and how long it takes."""
    return ngettext(
        "Make a new key for the vault? The database and {files} stored file ({size} MB) are "
        "encrypted again under it, which takes {time}; keep the app open until it is done. The "
        "passphrase typed here and a new recovery code replace the old ones, and earlier copies "
        "of the vault's key slots (in old backups or synced folders) stop opening it. Backups "
        "made before still restore with the passphrase they were made with. Use this after a "
        "passphrase or recovery code may have leaked.",
        "Make a new key for the vault? The database and {files} stored files ({size} MB) are "
        "encrypted again under it, which takes {time}; keep the app open until it is done. The "
        "passphrase typed here and a new recovery code replace the old ones, and earlier copies "
        "of the vault's key slots (in old backups or synced folders) stop opening it. Backups "
        "made before still restore with the passphrase they were made with. Use this after a "
        "passphrase or recovery code may have leaked.",
        files,
    ).format(
        files=format_number(files),
        size=format_number(size_bytes / 1e6, ".1f"),
        time=how_long(size_bytes),
    )


class RotationBox(QGroupBox):
    """Two passphrase fields and the button; the work runs off the GUI thread."""

    def __init__(self, vault: Callable[[], object | None], background: Background) -> None:
        super().__init__(_("Lock out old copies (after a suspected leak)"))
        self._vault, self.background = vault, background
        self.first = secret_field(_("New passphrase"))
        self.repeat = secret_field(_("Repeat it"))
        self.button = QPushButton(_("Change passphrase and lock out old copies…"))
        self.button.clicked.connect(self.rotate)
        self.message = QLabel(
            _(
                "Makes a new vault key: old passphrases, recovery codes and key-slot copies stop working."
            )
        )
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("New passphrase"), self.first)
        form.addRow(_("Repeat it"), self.repeat)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.button)
        box.addWidget(self.message)

    def rotate(self) -> None:
        vault = self._vault()
        if vault is None:
            return
        if not isinstance(vault, Vault):  # a clinic server store is not a Vault
            self.message.setText(
                _("On the clinic server, the administrator manages the keys; nothing was changed.")
            )
            return
        first, second = self.first.text(), self.repeat.text()
        problem = ""
        if first != second:
            problem = _("The two passphrases differ; nothing was changed.")
        else:
            try:
                vault_ops.check_new_passphrase(first)
            except ClinicError as exc:
                problem = desktop_message(exc)
        if problem:
            self.message.setText(problem)
            return
        files, size = vault_ops.rotation_size(vault)
        answer = choose(
            self,
            _("Lock out old copies"),
            confirmation(files, size),
            [("rotate", _("Lock out old copies")), ("cancel", _("Cancel"))],
            default="cancel",
            cancel="cancel",
        )
        if answer != "rotate":
            self.message.setText(_("Nothing was changed."))
            return
        self.button.setEnabled(False)
        self.message.setText(_("Encrypting the vault again under a new key; keep the app open…"))
        self.background.run(
            lambda: vault_ops.rotate_key(vault, new_passphrase=first), self._done, self._failed
        )

    def _done(self, code: str) -> None:
        self.button.setEnabled(True)
        for field in (self.first, self.repeat):
            field.clear()
        self.message.setText(
            _(
                "Done: the vault has a new key and passphrase; old copies of its key slots, the "
                "old passphrase and the old recovery code no longer open it."
            )
        )
        from ui.recovery_code import show_once

        show_once(code, self)

    def _failed(self, message: str) -> None:
        self.button.setEnabled(True)
        self.message.setText(message)
