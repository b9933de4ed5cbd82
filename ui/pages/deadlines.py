"""Deadlines: every deadline with filters; mark done, snooze, reopen, add a task, export a calendar."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic_app.errors import ClinicError
from clinic_app.i18n import N_, _, current_language, format_number, ngettext
from clinic_app.services import deadlines, matters, staff
from clinic_app.services.changes import DEADLINE, EVENT, GRANT, MATTER, SETTING, STAFF
from clinic_app.services.records import MatterRecord
from clinic_app.services.vault_ops import Vault
from ui.bus import ChangeBus
from ui.date_input import DateInput
from ui.deadline_actions import act
from ui.deadline_table import DeadlineTableModel, kind_label
from ui.feedback import desktop_message
from ui.forms import FORM_WIDTH, error_label, save_cancel
from ui.guards import guarded
from ui.labels import KIND_LABELS
from ui.pages.base import Page
from ui.wrapped_column import WrappedColumn

WINDOWS = [
    (7, N_("Next 7 days")),
    (30, N_("Next 30 days")),
    (90, N_("Next 90 days")),
    (365, N_("Next 12 months")),
    (None, N_("Everything")),
]
NAME_CHOICES = [
    ("initials", N_("Initials only (recommended: calendars sync to the cloud)")),
    ("none", N_("No names at all")),
    ("full", N_("Full names (only for a calendar that never syncs)")),
]


def matter_choice(m: MatterRecord) -> str:
    """A matter as the task form lists it: "María Pérez · Renewal (#12)", the kind in words."""
    return f"{m.client_name} · {_(KIND_LABELS.get(m.kind, m.kind))} (#{m.id})"


class TaskDialog(QDialog):
    def __init__(self, vault: Vault, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault, self.today = vault, today
        self.changes = None
        self.setWindowTitle(_("Add a task"))
        self.setMinimumWidth(FORM_WIDTH)  # a client's name and the matter's kind read whole
        self.matter = guarded(QComboBox())
        self.matter.setEditable(True)
        self.matter.setAccessibleName(_("Matter"))
        self.matter.lineEdit().setPlaceholderText(_("Type a client's name"))
        self.matter.lineEdit().textEdited.connect(self._search)
        self.title = QLineEdit()
        self.title.setAccessibleName(_("Task"))
        self.due = DateInput(_("Due date"), "due date")
        self.assignee = guarded(QComboBox())
        self.assignee.setAccessibleName(_("Assigned to"))
        self.assignee.addItem(_("The matter's assignee"), None)
        for member in staff.list_staff(vault, active_only=True):
            self.assignee.addItem(member.name, member.id)
        self.error = error_label()
        form = QFormLayout(self)
        form.addRow(_("Matter"), self.matter)
        form.addRow(_("Task"), self.title)
        form.addRow(_("Due"), self.due)
        form.addRow(_("Assigned to"), self.assignee)
        form.addRow(self.error)
        buttons = save_cancel(self, self.save)
        form.addRow(buttons)

    def _search(self, text: str) -> None:
        if len(text.strip()) < 2:
            return
        self.matter.blockSignals(True)
        self.matter.clear()
        for m in matters.list_matters(self.vault, client_search=text, limit=30):
            self.matter.addItem(matter_choice(m), m.id)
        self.matter.setEditText(text)
        self.matter.blockSignals(False)
        self.matter.showPopup()

    def choose_matter(self, matter_id: int) -> None:
        m = matters.get_matter(self.vault, matter_id=matter_id)
        self.matter.clear()
        self.matter.addItem(matter_choice(m), m.id)

    def save(self) -> None:
        if self.matter.currentData() is None:
            self.error.setText(_("Choose the matter the task belongs to."))
            return
        try:
            result = deadlines.add_task(
                self.vault,
                matter_id=int(self.matter.currentData()),
                due=self.due.iso() or "",
                title=self.title.text(),
                today=self.today,
                assignee_id=self.assignee.currentData(),
            )
        except ClinicError as exc:
            self.error.setText(desktop_message(exc) + " " + _("Nothing was saved."))
            return
        self.changes = result.changes
        self.accept()


class DeadlinesPage(Page):
    title = N_("Deadlines")
    open_matter = Signal(int)

    def __init__(self, bus: ChangeBus) -> None:
        super().__init__(bus)
        self.today = date.today()
        self.model = DeadlineTableModel()
        self.window_box = guarded(QComboBox())
        self.window_box.setAccessibleName(_("Show deadlines due"))
        for days, label in WINDOWS:
            self.window_box.addItem(_(label), days)
        self.window_box.setCurrentIndex(2)
        self.assignee = guarded(QComboBox())
        self.assignee.setAccessibleName(_("Assigned to"))
        self.kind = guarded(QComboBox())
        self.kind.setAccessibleName(_("Kind of deadline"))
        self.program = guarded(QComboBox())
        self.program.setAccessibleName(_("Program"))
        self.overdue_only = QCheckBox(_("Overdue only"))
        self.show_done = QCheckBox(_("Include done"))
        # A program's full name runs to fifty letters: the kind and program boxes show some 24
        # when closed (the chosen one whole in their tooltip, every one whole in the list that
        # drops down), so the person filter beside them is never squeezed in Spanish.
        for box in (self.kind, self.program):
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(24)
            box.currentTextChanged.connect(lambda text, b=box: b.setToolTip(text))
        for widget in (self.window_box, self.assignee, self.kind, self.program):
            widget.activated.connect(lambda _i: self.reload_rows())
        for box in (self.overdue_only, self.show_done):
            box.toggled.connect(lambda _c: self.reload_rows())
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Deadlines"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)  # one line a row: more rows on a 768-pixel screen
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        # ...except a "What" longer than its column (a Spanish rule, a task): read whole on
        # more lines, only that row taller.
        self.what = WrappedColumn(self.table, DeadlineTableModel.KIND)
        # "What" and the last column as wide as _fit_columns found them.
        self._what_natural = self._last_width = 0
        self.table.viewport().installEventFilter(self)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self._open)
        self.why = QLabel()
        self.why.setObjectName("deadlineWhy")
        self.why.setWordWrap(True)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._selected())
        self.done_button = QPushButton(_("Mark done"))
        self.done_button.clicked.connect(self.mark_done)
        self.snooze_button = QPushButton(_("Snooze…"))
        self.snooze_button.clicked.connect(self.snooze)
        self.reopen_button = QPushButton(_("Reopen"))
        self.reopen_button.clicked.connect(self.reopen)
        self.task_button = QPushButton(_("Add task…"))
        self.task_button.clicked.connect(lambda _checked=False: self.add_task())
        self.ics_button = QPushButton(_("Export calendar…"))
        self.ics_button.clicked.connect(self.export_calendar)
        self.message = QLabel()
        self.message.setWordWrap(True)

        filters = QHBoxLayout()
        for widget in (
            self.window_box,
            self.assignee,
            self.kind,
            self.program,
            self.overdue_only,
            self.show_done,
        ):
            filters.addWidget(widget)
        filters.addStretch(1)
        actions = QHBoxLayout()
        for button in (self.done_button, self.snooze_button, self.reopen_button, self.task_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.ics_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.why)
        layout.addLayout(actions)
        layout.addWidget(self.message)

    def kinds(self) -> frozenset[str]:
        return frozenset({DEADLINE, MATTER, GRANT, EVENT, SETTING, STAFF})

    def reload(self) -> None:
        # Filters and the selected row survive every reload (an action, a change elsewhere).
        chosen = {box: box.currentData() for box in (self.assignee, self.kind, self.program)}
        for box in chosen:
            box.clear()
        self.message.clear()
        self.setEnabled(self.vault is not None)
        if self.vault is None:
            self.model.set_rows([], self.today)
            self.why.clear()
            return
        self.assignee.addItem(_("Everyone"), None)
        for member in staff.list_staff(self.vault):
            self.assignee.addItem(member.name, member.id)
        self.kind.addItem(_("Every kind"), None)
        for key in deadlines.KIND_TITLES:
            self.kind.addItem(kind_label(key), key)
        self.program.addItem(_("Every program"), None)
        for program in deadlines.list_programs(self.vault, today=self.today):
            self.program.addItem(program.title, program.id)
        for box, data in chosen.items():
            box.setCurrentIndex(max(0, box.findData(data)))
        for box in (self.kind, self.program):  # the list that drops down shows each whole
            view = box.view()
            view.setMinimumWidth(view.sizeHintForColumn(0) + 2 * view.frameWidth() + 20)
        self.reload_rows()

    def reload_rows(self) -> None:
        if self.vault is None:
            return
        keep = self.selected()
        rows = deadlines.list_deadlines(
            self.vault,
            today=self.today,
            within=self.window_box.currentData(),
            overdue=self.overdue_only.isChecked(),
            assignee_id=self.assignee.currentData(),
            include_done=self.show_done.isChecked(),
            limit=5000,
            lang=current_language(),
        )
        kind, program = self.kind.currentData(), self.program.currentData()
        rows = [
            d
            for d in rows
            if (kind is None or d.kind == kind) and (program is None or d.program == program)
        ]
        # The same order of urgency as Today (rows outside the queue after, soonest first).
        tiers = deadlines.tiers_of(self.vault, rows, self.today)
        self.model.set_rows(deadlines.urgency_order(rows, tiers, self.today), self.today, tiers)
        shared = self._shared_policy()
        self._fit_columns()
        count = ngettext("{n} deadline", "{n} deadlines", len(rows)).format(
            n=format_number(len(rows), ",")
        )
        if not rows:
            # An empty list says why, and what would fill it.
            narrowed = self.overdue_only.isChecked() or any(
                box.currentData() is not None for box in (self.assignee, self.kind, self.program)
            )
            count = (
                _("No deadline matches the filters above; widen them to see more.")
                if narrowed
                else _(
                    "Nothing is due in this period. Deadlines appear once a matter has a grant, "
                    "a notice or a task (Add task…)."
                )
            )
        self.message.setText(
            _("{count}, every one: {status}").format(count=count, status=shared)
            if shared
            else count
        )
        if keep is not None:
            self.select(keep.id)
        self._selected()

    def select(self, deadline_id: str) -> bool:
        """Select the row of a deadline (True if it is listed)."""
        row = self.model.row_of(deadline_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.setCurrentIndex(self.model.index(row, 0))
        return True

    def selected(self) -> deadlines.Deadline | None:
        index = self.table.currentIndex()
        return self.model.deadline(index.row()) if index.isValid() else None

    def _shared_policy(self) -> str | None:
        """The program status every listed deadline has ("Program paused"), if they all have
        the same one: said once under the list, its column steps aside ("" when none has one)."""
        model = self.model
        texts = {
            str(model.data(model.index(row, model.POLICY)) or "") for row in range(model.rowCount())
        }
        return texts.pop() if len(texts) == 1 else None

    def _fit_columns(self) -> None:
        """Each column as wide as what it shows (in any language), within caps that keep every
        column in view; room to spare goes to "What" (see _share_room). A program status
        shared by every row gives its room to the others."""
        model = DeadlineTableModel
        self.what.paused = True
        try:
            self.table.setColumnHidden(model.POLICY, self._shared_policy() is not None)
            self.table.resizeColumnsToContents()
            self._what_natural = self.table.columnWidth(model.KIND)
            caps = {model.TIER: 250, model.CLIENT: 210, model.KIND: 280, model.ASSIGNEE: 190}
            for column, cap in caps.items():
                self.table.setColumnWidth(column, min(cap, self.table.columnWidth(column)))
            # The last column takes the rest: what its header needs comes out of the title's.
            # (Its width now may be stretched from before: what it shows, capped, instead.)
            header = self.table.horizontalHeader()
            last = model.ASSIGNEE if self.table.isColumnHidden(model.POLICY) else model.POLICY
            need = max(
                header.sectionSizeHint(last),
                min(caps.get(last, 10_000), self.table.sizeHintForColumn(last)),
            )
            self.table.setColumnWidth(last, need)  # it stretches into what "What" leaves
            self._last_width = need
        finally:
            self.what.paused = False
        self._share_room()

    def _share_room(self) -> None:
        """Make "What" as wide as the table leaves it (up to what it shows); a "What" still
        longer wraps onto more lines of its own row, whole without hovering."""
        model = DeadlineTableModel
        last = model.ASSIGNEE if self.table.isColumnHidden(model.POLICY) else model.POLICY
        others = sum(self.table.columnWidth(c) for c in range(last) if c != model.KIND)
        # The last column at the width _fit_columns gave it (stretched, it reports more).
        room = self.table.viewport().width() - others - self._last_width
        self.what.paused = True
        self.table.setColumnWidth(model.KIND, max(150, min(self._what_natural, room)))
        self.what.paused = False
        self.what.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The table's width known at last (shown, a scroll bar come or gone, the window
        # resized): "What" takes what the other columns leave.
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            old, new = event.oldSize().width(), event.size().width()  # type: ignore[attr-defined]
            if old != new and self.vault is not None and self._what_natural:
                self._share_room()
        return super().eventFilter(watched, event)

    def _selected(self) -> None:
        d = self.selected()
        self.why.setText(d.why if d else _("Select a deadline to see why it is due."))
        for button in (self.done_button, self.snooze_button, self.reopen_button):
            button.setEnabled(d is not None)

    def _open(self) -> None:
        d = self.selected()
        if d is not None:
            self.open_matter.emit(d.matter_id)

    def _act(self, action: str) -> None:
        d = self.selected()
        if self.vault is None or d is None:
            return
        problem = act(self, self.vault, d, action, self.today, self.bus.publish)
        if problem:
            self.message.setText(problem)

    def mark_done(self) -> None:
        self._act("done")

    def reopen(self) -> None:
        self._act("reopen")

    def snooze(self) -> None:
        self._act("snooze")

    def add_task(self, matter_id: int | None = None) -> None:
        if self.vault is None:
            return
        dialog = TaskDialog(self.vault, self.today, self)
        if matter_id:
            dialog.choose_matter(matter_id)
        if dialog.exec() and dialog.changes is not None:
            self.bus.publish(dialog.changes)

    def export_calendar(self) -> None:
        if self.vault is None:
            return
        labels = [_(label) for _key, label in NAME_CHOICES]
        choice, ok = QInputDialog.getItem(
            self, _("Export calendar"), _("What may the calendar file show?"), labels, 0, False
        )
        if not ok:
            return
        names = NAME_CHOICES[labels.index(choice)][0]
        out, _f = QFileDialog.getSaveFileName(
            self, _("Save the calendar as"), "clinic-deadlines.ics", "iCalendar (*.ics)"
        )
        if not out:
            return
        self.write_calendar(Path(out), names)

    def write_calendar(self, out: Path, names: str) -> None:
        """The deadlines the screen's filters choose (window, "Assigned", kind, program,
        "Overdue only"), as .ics."""
        if self.vault is None:
            return
        try:
            report = deadlines.export_calendar(
                self.vault,
                out=out,
                today=self.today,
                names=names,
                within=self.window_box.currentData(),
                overdue=self.overdue_only.isChecked(),
                assignee_id=self.assignee.currentData(),
                kind=self.kind.currentData(),
                program=self.program.currentData(),
            )
        except ClinicError as exc:
            self.message.setText(desktop_message(exc))
            return
        self.message.setText(
            ngettext(
                "Calendar written to {path} ({n} event).",
                "Calendar written to {path} ({n} events).",
                report.events,
            ).format(path=out, n=report.events)
        )
