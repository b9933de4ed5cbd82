"""A new recovery code, shown once: large, selectable, printable, and kept on screen until the
person says it is stored (a message box could not be printed from, though it said to print it)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtWidgets import QCheckBox, QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from clinic_app.i18n import _


def print_code(parent: QWidget, code: str) -> None:
    """The code on paper, through the system's print dialog."""
    # Imported when used: the print dialog's module is large and rarely needed.
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter()
    if QPrintDialog(printer, parent).exec():
        document = QTextDocument()
        document.setPlainText(_("Clinic case manager: vault recovery code") + "\n\n" + code)
        document.print_(printer)


def code_label(code: str = "") -> QLabel:
    """The code in a large monospaced font, selectable to copy by hand."""
    label = QLabel(code)
    mono = QFont("monospace")
    mono.setStyleHint(QFont.StyleHint.Monospace)
    mono.setPointSize(mono.pointSize() + 4)
    label.setFont(mono)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAccessibleName(_("Recovery code"))
    return label


class RecoveryCodeDialog(QDialog):
    """Closes only once "I have printed or written down…" is ticked: the code is not kept."""

    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = code
        self.setWindowTitle(_("Recovery code"))
        explain = QLabel(
            _(
                "This recovery code is shown once and never stored. With it you can set a new "
                "passphrase if the passphrase is forgotten. Without either, nobody can open "
                "the vault."
            )
        )
        explain.setWordWrap(True)
        self.code_label = code_label(code)
        self.print_button = QPushButton(_("Print…"))
        self.print_button.clicked.connect(lambda _checked=False: print_code(self, self.code))
        self.stored = QCheckBox(
            _("I have printed or written down the recovery code and stored it safely")
        )
        self.done_button = QPushButton(_("Continue"))
        self.done_button.setEnabled(False)
        self.stored.toggled.connect(self.done_button.setEnabled)
        self.done_button.clicked.connect(lambda _checked=False: self.accept())
        box = QVBoxLayout(self)
        for widget in (explain, self.code_label, self.print_button, self.stored, self.done_button):
            box.addWidget(widget)

    def reject(self) -> None:
        if self.stored.isChecked():  # Escape or the window's close button, once it is stored
            super().reject()


def show_once(code: str, parent: QWidget | None = None) -> None:
    RecoveryCodeDialog(code, parent).exec()
