"""Conflict check in intake forms: matches as the name is typed, and the person's decision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic_app.errors import ValidationError
from clinic_app.i18n import N_, _
from clinic_app.services import conflicts
from clinic_app.services.conflicts import ConflictMatch
from clinic_app.services.vault_ops import Vault
from ui.date_input import DateInput

KIND_LABELS = {
    "same_person": N_("may be the same"),
    "adverse_party": N_("ADVERSE PARTY: on the employer's side"),
    "employer": N_("EMPLOYER: an employer's name"),
}
CHOICE_LABELS = {
    "same_person": N_("Same person: their file is opened, nothing new is saved."),
    "different_person": N_("Different person: saving goes ahead."),
    "refer_attorney": N_("Possible conflict: saved and sent to an attorney for review."),
}
DEBOUNCE_MS = 300

# Reads the form: (what the check needs, what is kept with the decision), or None when there
# is not yet enough to check.
Reader = Callable[[], tuple[Any, dict[str, Any]] | None]
Checker = Callable[[Vault, Any], list[ConflictMatch]]


class ConflictPanel(QFrame):
    """Hidden until something matches; then the person must choose before the form saves.

    `opened` is set when they chose "same person" (the form closes without saving and the
    screen opens that record); the decision goes to the audit log either way.
    """

    def __init__(
        self,
        vault: Vault,
        *,
        subject_kind: str,
        opens: str,
        read: Reader,
        check: Checker,
        close_form: Callable[[], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.vault = vault
        self.subject_kind = subject_kind
        self.opens = opens  # the record kind "same person" can open (client, employer)
        self.read, self.check_with, self.close_form = read, check, close_form
        self.matches: list[ConflictMatch] = []
        self.query: dict[str, Any] = {}
        self.choice: str | None = None
        self.opened: tuple[str, int] | None = None
        self.setObjectName("conflictPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setObjectName("conflictTitle")
        self.list = QListWidget()
        self.list.setAccessibleName(_("Possible matches"))
        self.list.setWordWrap(True)
        self.list.setMaximumHeight(150)
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.same_button = QPushButton(_("Same person — open their file"))
        self.same_button.clicked.connect(lambda: self.choose("same_person"))
        self.different_button = QPushButton(_("Different person"))
        self.different_button.clicked.connect(lambda: self.choose("different_person"))
        self.refer_button = QPushButton(_("Possible conflict — send to the attorney"))
        self.refer_button.clicked.connect(lambda: self.choose("refer_attorney"))
        self.choice_label = QLabel()
        self.choice_label.setObjectName("conflictChoice")
        self.choice_label.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.same_button, self.different_button, self.refer_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addWidget(self.choice_label)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.recheck)
        self.hide()

    def watch(self, *fields: QLineEdit | QComboBox) -> None:
        """Check again shortly after any of these fields changes."""
        for field in fields:
            if isinstance(field, QComboBox):
                field.currentIndexChanged.connect(lambda _index: self._timer.start())
            else:
                field.textChanged.connect(lambda _text: self._timer.start())

    def recheck(self) -> None:
        self._timer.stop()
        read = self.read()
        matches = self.check_with(self.vault, read[0]) if read else []
        self.query = read[1] if read else {}
        same = [(m.record_kind, m.record_id) for m in matches] == [
            (m.record_kind, m.record_id) for m in self.matches
        ]
        self.matches = matches
        if not same:
            self.choice = None  # a decision was about the candidates shown then
        self._show()

    def _show(self) -> None:
        self.list.clear()
        if not self.matches:
            self.hide()
            return
        self.title.setText(
            _("Possible matches already on file. Check them, then choose before saving:")
        )
        for match in self.matches:
            # The score on its scale: "score 80" alone left a person guessing out of what.
            text = _("{name} — {kind} ({score} of 100 alike)").format(
                name=match.name, kind=_(KIND_LABELS[match.kind]), score=match.score
            )
            item = QListWidgetItem(text + "\n    " + "; ".join(match.reasons))
            item.setData(Qt.ItemDataRole.UserRole, (match.record_kind, match.record_id))
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        # As tall as its matches (up to 150px): one match leaves the form room on a laptop.
        rows = sum(self.list.sizeHintForRow(i) for i in range(self.list.count()))
        self.list.setMaximumHeight(min(150, rows + 2 * self.list.frameWidth() + 4))
        self.show()  # after sizing the list, so the form grows only by what it shows
        self.choice_label.setText(_(CHOICE_LABELS[self.choice]) if self.choice else "")
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.list.currentRow()
        openable = (
            0 <= row < len(self.matches)
            and self.matches[row].record_kind == self.opens
            and not self.matches[row].hidden  # a client one may not see cannot be opened
        )
        self.same_button.setEnabled(openable)

    def choose(self, decision: str) -> None:
        self.choice = decision
        self.choice_label.setText(_(CHOICE_LABELS[decision]))
        if decision == "same_person":
            match = self.matches[self.list.currentRow()]
            self.record(match.record_id)
            self.opened = (match.record_kind, match.record_id)
            self.close_form()

    def ready_to_save(self) -> str | None:
        """None when the form may save; else the sentence to show the person."""
        self.recheck()
        if self.matches and self.choice is None:
            return _(
                "Possible matches are listed above: choose Same person, Different person or "
                "Send to the attorney before saving."
            )
        return None

    def record(self, subject_id: int | None) -> None:
        """Write the decision (after the form saved, or when the existing file is opened);
        a check that found nobody is kept too, as proof it was run."""
        if self.matches and self.choice is None:
            return
        conflicts.record_decision(
            self.vault,
            subject_kind=self.subject_kind,
            decision=self.choice if self.matches and self.choice else "no_match",
            matches=self.matches,
            query=self.query,
            subject_id=subject_id,
        )


def for_client(
    vault: Vault, fields: dict[str, Any], close_form: Callable[[], object]
) -> ConflictPanel:
    """The panel of the New client form, reading its name, birth date, A-number and phone."""

    def text(name: str) -> str:
        widget = fields.get(name)
        if isinstance(widget, DateInput):
            try:
                return widget.iso() or ""  # read in the person's order, passed on as ISO
            except ValidationError:
                return ""  # half typed: checked without it until it is a date
        return widget.text() if isinstance(widget, QLineEdit) else ""

    def read() -> tuple[Any, dict[str, Any]] | None:
        query = conflicts.person_query(
            first_name=text("first_name"),
            last_name=text("last_name"),
            date_of_birth=text("date_of_birth") or None,
            a_number=text("a_number") or None,
            phone=text("phone"),
            lenient=True,
        )
        if len((query.first_name + query.last_name).strip()) < 2 and not query.a_number:
            return None
        return query, query.as_json()

    panel = ConflictPanel(
        vault,
        subject_kind="client",
        opens="client",
        read=read,
        check=lambda v, q: conflicts.check_person(v, q),
        close_form=close_form,
    )
    panel.watch(
        *(
            w
            for n, w in fields.items()
            if n in ("first_name", "last_name", "date_of_birth", "a_number", "phone")
            and isinstance(w, QLineEdit)
        )
    )
    return panel


def for_employer(
    vault: Vault, name_field: QLineEdit, close_form: Callable[[], object]
) -> ConflictPanel:
    """The panel of the New employer form: clients named like it, the same employer on file."""

    def read() -> tuple[Any, dict[str, Any]] | None:
        name = name_field.text().strip()
        return (name, {"employer": name}) if len(name) >= 2 else None

    panel = ConflictPanel(
        vault,
        subject_kind="employer",
        opens="employer",
        read=read,
        check=lambda v, name: conflicts.check_employer(v, name=name),
        close_form=close_form,
    )
    panel.watch(name_field)
    return panel


def for_matter(
    vault: Vault, client: QComboBox, employer: QComboBox, close_form: Callable[[], object]
) -> ConflictPanel:
    """The panel of the New matter form: the employer, its owners, managers and supervisors
    against every client, and the client against every party on an employer's side."""

    def read() -> tuple[Any, dict[str, Any]] | None:
        client_id, employer_id = client.currentData(), employer.currentData()
        if client_id is None:
            return None
        return (int(client_id), employer_id), {"client_id": client_id, "employer_id": employer_id}

    def check(v: Vault, ids: tuple[int, int | None]) -> list[ConflictMatch]:
        return conflicts.check_matter(v, client_id=ids[0], employer_id=ids[1])

    panel = ConflictPanel(
        vault, subject_kind="matter", opens="", read=read, check=check, close_form=close_form
    )
    panel.watch(client, employer)
    return panel
