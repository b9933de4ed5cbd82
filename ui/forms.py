"""Small pieces every form here uses: a red error line, a hidden-text field, Save/Cancel, and a
record dialog base."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSpacerItem,
    QVBoxLayout,
    QWidget,
)

from clinic_app.errors import ClinicError, ConflictError, ValidationError
from clinic_app.i18n import _
from clinic_app.services import ChangeSet
from ui.feedback import desktop_message, mark_error

ERROR_STYLE = "color: #b00020"


def error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    return label


def secret_field(name: str) -> QLineEdit:
    """A field whose text is not shown (a passphrase or password), named for screen readers."""
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    return field


def save_cancel(dialog: QDialog, on_save: Callable[[], None]) -> QDialogButtonBox:
    """Save runs `on_save` (which accepts the dialog when it succeeds); Cancel rejects it."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(on_save)
    buttons.rejected.connect(dialog.reject)
    return buttons


# The narrowest a form of a few fields is drawn: an employer's name, an address or an agency's
# list of examples reads whole in its field, in Spanish too (the layout alone gave ~200 pixels).
FORM_WIDTH = 480


class RecordDialog(QDialog):
    """Shared by the dialogs here: a form, a red sentence, Save/Cancel; fields in error are
    outlined and cleared as they are typed in."""

    ERROR_FIELDS: ClassVar[dict[str, str]] = {}  # a core field name → the attribute of its widget

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.changes = ChangeSet()
        self.said = ""  # what was saved, for the status bar
        self.saved_id: int | None = None
        self.error = error_label()
        self.form = QFormLayout()

    def finish_layout(self) -> None:
        self.buttons = save_cancel(self, self.save)
        layout = QVBoxLayout(self)
        # The width as a layout item, not the dialog's minimum: a row shown later (an RFE's
        # "came by mail") still widens the dialog to read whole.
        fixed = QSizePolicy.Policy.Fixed
        layout.addItem(QSpacerItem(FORM_WIDTH, 0, fixed, fixed))
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        for widget in self.findChildren(QLineEdit):
            widget.textChanged.connect(lambda _t, w=widget: self._fixed(w))

    def _fixed(self, widget: QWidget) -> None:
        mark_error(widget, False)
        if not any(w.property("inError") for w in self.findChildren(QLineEdit)):
            self.error.clear()

    def failed(self, exc: ClinicError) -> None:
        if isinstance(exc, ConflictError):
            # Someone saved first: show their values, then say so (refilling clears the line).
            self.reload()
            self.error.setText(exc.message)
            return
        if isinstance(exc, ValidationError):
            for key, attribute in self.ERROR_FIELDS.items():
                if key in exc.field:
                    mark_error(getattr(self, attribute), True)
        self.error.setText(desktop_message(exc) + " " + _("Nothing was saved."))

    def reload(self) -> None:
        """Refill the fields from the record as it is now, with its current version."""

    def save(self) -> None:
        raise NotImplementedError
