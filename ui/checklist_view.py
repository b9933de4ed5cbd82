"""A matter's packet checklist with each item's status, and the attorney's sign-off."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clinic_app.errors import ClinicError
from clinic_app.i18n import N_, _, ngettext
from clinic_app.services import ChangeSet, checklist, staff, vocab
from clinic_app.services.vault_ops import Vault
from ui.date_input import shown_day
from ui.feedback import desktop_message
from ui.forms import error_label
from ui.guards import guarded

STATUS_LABELS = {
    "missing": N_("Missing"),
    "received": N_("Received"),
    "needs_translation": N_("Needs translation"),
    "not_applicable": N_("Not applicable"),
}


class ChecklistView(QWidget):
    """Changing an item saves at once; a change after sign-off voids it (the service says so)."""

    changed = Signal(object)  # ChangeSet

    def __init__(self) -> None:
        super().__init__()
        self.vault: Vault | None = None
        self.matter_id: int | None = None
        self.table = QTableWidget(0, 3)
        self.table.setAccessibleName(_("Packet checklist"))
        self.table.setHorizontalHeaderLabels([_("Item"), _("Required"), _("Status")])
        header = self.table.horizontalHeader()
        # "yes"/"no" and the status need only their own width: the rest goes to the item, whose
        # name wraps onto as many lines as it needs (a form's full name, read whole).
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        # Rows are measured again once the columns settle at a new width (the panel shown,
        # resized, or a scroll bar come or gone beside it): once, after the layout's changes.
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self._fit_rows)
        header.sectionResized.connect(
            lambda column, _old, _new: column == 0 and self._refit.start()
        )
        self.table.viewport().installEventFilter(self)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.verticalHeader().setVisible(False)
        self.state = QLabel()
        self.state.setObjectName("readyState")
        self.state.setWordWrap(True)
        self.signer = guarded(QComboBox())
        self.signer.setAccessibleName(_("Reviewing attorney or accredited representative"))
        self.sign_button = QPushButton(_("Sign off the packet"))
        self.sign_button.clicked.connect(self.sign)
        self.error = error_label()
        row = QHBoxLayout()
        row.addWidget(self.signer, 1)
        row.addWidget(self.sign_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.state)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addWidget(self.error)

    def show_matter(self, vault: Vault | None, matter_id: int | None) -> None:
        self.vault, self.matter_id = vault, matter_id
        self.error.clear()
        self.table.setRowCount(0)
        self.signer.clear()
        if vault is None or matter_id is None:
            self.state.clear()
            return
        try:
            record = checklist.get_checklist(vault, matter_id=matter_id)
        except ClinicError as exc:
            # A program without a packet list (DACA, other relief): its deadlines still show.
            self.state.setText(desktop_message(exc))
            self.sign_button.setEnabled(False)
            return
        self.table.setRowCount(len(record.items))
        for row, item in enumerate(record.items):
            text = item.label or item.title
            title = QTableWidgetItem(text)
            title.setToolTip(text)  # a long form name is cut to the column: whole here
            self.table.setItem(row, 0, title)
            self.table.setItem(row, 1, QTableWidgetItem(_("yes") if item.required else _("no")))
            combo = guarded(QComboBox())
            combo.setAccessibleName(_("Status of {item}").format(item=item.label or item.title))
            for key, label in STATUS_LABELS.items():
                combo.addItem(_(label), key)
            combo.setCurrentIndex(max(0, combo.findData(item.status)))
            combo.activated.connect(
                lambda _i, key=item.key, box=combo: self._set(key, str(box.currentData()))
            )
            self.table.setCellWidget(row, 2, combo)
        self._fit_rows()
        if record.ready_to_file and record.sign_off is not None:
            self.state.setText(
                "<b style='color:#1b5e20'>"
                + _("Ready to file")
                + "</b> · "
                + _("signed off by {name} on {date}").format(
                    name=record.sign_off.staff_name, date=shown_day(record.sign_off.signed_on)
                )
            )
        elif record.filed_on is not None or record.closed:
            # Filed or closed: the list is what was kept, not a to-do, so no red "Not ready".
            head = (
                _("Filed on {date}").format(date=shown_day(record.filed_on))
                if record.filed_on is not None
                else _("Matter closed")
            )
            if record.complete:
                tail = _("every required item received")
            else:
                tail = ngettext(
                    "{n} required item was not marked received",
                    "{n} required items were not marked received",
                    len(record.outstanding),
                ).format(n=len(record.outstanding))
            self.state.setText("<b>" + head + "</b> · " + tail)
        elif record.complete:
            self.state.setText("<b>" + _("Packet complete: waiting for attorney sign-off") + "</b>")
        else:
            self.state.setText(
                "<b style='color:#b00020'>"
                + _("Not ready")
                + "</b> · "
                + ngettext(
                    "{n} required item missing or awaiting translation",
                    "{n} required items missing or awaiting translation",
                    len(record.outstanding),
                ).format(n=len(record.outstanding))
            )
        for member in staff.list_staff(vault, active_only=True):
            if member.role in checklist.SIGNING_ROLES:
                self.signer.addItem(
                    f"{member.name} ({vocab.label('staff_role', member.role)})", member.id
                )
        can_sign = record.complete and record.sign_off is None and self.signer.count() > 0
        self.sign_button.setEnabled(can_sign)
        self.signer.setEnabled(can_sign)
        if record.complete and self.signer.count() == 0:
            self.error.setText(
                _("Add an attorney or accredited representative in Settings to sign off.")
            )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            old, new = event.oldSize(), event.size()  # type: ignore[attr-defined]
            if old.width() != new.width():
                self._refit.start()
        return super().eventFilter(watched, event)

    def _fit_rows(self) -> None:
        """Each row as tall as its wrapped item name, and the table as tall as its rows: the
        matter panel scrolls, never the list inside it."""
        self.table.resizeRowsToContents()
        rows = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedHeight(
            self.table.horizontalHeader().height() + rows + 2 * self.table.frameWidth()
        )

    def _set(self, key: str, status: str) -> None:
        if self.vault is None or self.matter_id is None:
            return
        try:
            result = checklist.set_items(
                self.vault, matter_id=self.matter_id, statuses={key: status}
            )
        except ClinicError as exc:
            self.error.setText(desktop_message(exc))
            return
        self._after(result.changes)

    def sign(self) -> None:
        if self.vault is None or self.matter_id is None or self.signer.currentData() is None:
            return
        try:
            result = checklist.sign_off(
                self.vault,
                matter_id=self.matter_id,
                by=str(self.signer.currentData()),
                on=date.today(),
            )
        except ClinicError as exc:
            self.error.setText(desktop_message(exc))
            return
        self._after(result.changes)

    def _after(self, changes: ChangeSet) -> None:
        self.changed.emit(changes)
        self.show_matter(self.vault, self.matter_id)
