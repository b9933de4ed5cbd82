"""Help → Shortcuts: every key the app answers to, read from the window's own actions so the
list never disagrees with the keys."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clinic_app.i18n import _


def keys_of(action: QAction) -> str:
    """An action's shortcut as the keyboard is labelled ('Ctrl+K')."""
    return action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)


def native(keys: str) -> str:
    """Keys as the keyboard is labelled in the screen's language ('Ctrl+Mayús+S')."""
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


def words_of(action: QAction) -> str:
    """An action's label without its '&' marks or trailing '…'."""
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…")


class ShortcutsDialog(QDialog):
    """A two-column list: the keys, and what they do (and where)."""

    def __init__(
        self, actions: list[QAction], screens: list[tuple[QAction, str]], parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Keyboard shortcuts"))
        rows: list[tuple[str, str]] = [(keys_of(a), words_of(a)) for a in actions]
        rows += [
            (keys_of(action), _("Go to {screen}").format(screen=title)) for action, title in screens
        ]
        rows += [
            (_("Down or Enter"), _("From a search box into its list (Clients, Matters)")),
            (_("Enter"), _("Open the chosen item's matter (Today, a client's matters)")),
            (_("Enter"), _("Edit the chosen client (Clients)")),
            (native("Ctrl+D"), _("Mark the chosen item done (Today)")),
            (native("Ctrl+Shift+S"), _("Snooze the chosen item (Today)")),
            (
                _("Alt + underlined letter"),
                _("Press the button with that letter underlined (Today)"),
            ),
            (f"{native('Tab')} / {native('Shift+Tab')}", _("Next / previous field or button")),
            (_("Esc"), _("Close a form without saving")),
        ]
        self.table = QTableWidget(len(rows), 2)
        self.table.setAccessibleName(_("Keyboard shortcuts"))
        self.table.setHorizontalHeaderLabels([_("Keys"), _("What it does")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for row, (keys, what) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(what))
        self.table.resizeRowsToContents()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Every action can be reached from the keyboard:")))
        layout.addWidget(self.table)
        layout.addWidget(close)
        height = sum(self.table.rowHeight(r) for r in range(len(rows)))
        self.table.setMinimumHeight(min(520, height + header.sizeHint().height() + 4))
        self.resize(640, self.sizeHint().height())
