"""Add or edit a client, with each field checked as it is left (A-number, dates, email)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from clinic_app.errors import ClinicError, ConflictError, ValidationError
from clinic_app.i18n import N_, _
from clinic_app.services import ChangeSet, clients, vocab
from clinic_app.services.records import ClientRecord
from clinic_app.services.vault_ops import Vault
from ui import conflict_panel
from ui.date_input import DateInput
from ui.feedback import desktop_message, mark_error
from ui.forms import error_label, save_cancel

# (field name, label, multi-line)
FIELDS = [
    ("first_name", N_("First name(s)"), False),
    ("last_name", N_("Last name(s)"), False),
    ("other_names", N_("Other names used (one per line)"), True),
    ("date_of_birth", N_("Date of birth"), False),
    ("a_number", N_("A-number"), False),
    ("country_of_birth", N_("Country of birth"), False),
    ("preferred_languages", N_("Languages (first is preferred; e.g. Spanish, Mam)"), False),
    ("phone", N_("Phone"), False),
    ("email", N_("Email"), False),
    ("address", N_("Address"), True),
    # Some deadline rules depend on where the client lives (e.g. DACA work permits in Texas).
    ("state", N_("State where the client lives (e.g. TX; empty: read from the address)"), False),
    ("safe_contact", N_("Safe-contact instructions"), True),
    # Rules letters follow (a no-mail client's letter has no address block, a staff banner).
    ("contact_rules", N_("Safe-contact rules"), False),
    ("mail_to", N_("Mail to this address instead of the home address"), True),
    ("notes", N_("Notes"), True),
]
SECOND_COLUMN = "address"  # where to reach the client starts the right-hand column
CHECKED = {"date_of_birth", "a_number", "email", "preferred_languages", "state"}
# The safe-contact rules the services know (clients.CONTACT_RULES), ticked rather than typed.
CONTACT_RULES = (
    ("no_mail", N_("Do not mail")),
    ("text_only", N_("Text messages only")),
    ("no_voicemail", N_("No voicemail")),
)


class ClientEditor(QDialog):
    """Saving runs the same validation as the CLI and importer; on error nothing is written."""

    def __init__(
        self, vault: Vault, record: ClientRecord | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.vault = vault
        self.record = record
        self.changes = ChangeSet()
        self.saved_id: int | None = None
        self.setWindowTitle(_("Edit client") if record else _("New client"))
        # Two columns, each label above its field: wide enough for an address and the conflict
        # check's three buttons in a row, and short enough (with that check shown) for a
        # 1366×768 laptop. An explicit minimum width overrides the layout's, so it covers them.
        self.setMinimumWidth(860)
        self.inputs: dict[str, QLineEdit | QPlainTextEdit] = {}
        self.rules: dict[str, QCheckBox] = {}  # a safe-contact rule's box, by its key
        self.errors: dict[str, QLabel] = {}
        columns = QHBoxLayout()
        column = QVBoxLayout()
        for name, label, multi in FIELDS:
            if name == SECOND_COLUMN:
                column.addStretch(1)
                columns.addLayout(column, 1)
                column = QVBoxLayout()
            widget: QLineEdit | QPlainTextEdit | QWidget
            if name == "contact_rules":
                # A box per rule, in words: nothing to look up or spell (letters follow them).
                widget = QWidget()
                row = QHBoxLayout(widget)
                row.setContentsMargins(0, 0, 0, 0)
                for key, rule in CONTACT_RULES:
                    self.rules[key] = QCheckBox(_(rule))
                    self.rules[key].setObjectName(f"contact_rule_{key}")
                    row.addWidget(self.rules[key])
                row.addStretch(1)
            elif multi:
                widget = QPlainTextEdit()
                widget.setFixedHeight(48)
                widget.setTabChangesFocus(True)
            elif name == "date_of_birth":
                widget = DateInput(_(label), "date of birth")
            else:
                widget = QLineEdit()
            widget.setAccessibleName(_(label))
            widget.setObjectName(name)
            if isinstance(widget, QLineEdit | QPlainTextEdit):
                self.inputs[name] = widget
            error = error_label()
            error.setObjectName(f"{name}_error")
            error.hide()
            self.errors[name] = error
            box = QVBoxLayout()
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(widget)
            box.addWidget(error)
            holder = QWidget()
            holder.setLayout(box)
            caption = QLabel(_(label))
            caption.setWordWrap(True)  # a long Spanish label takes two lines, never cut
            caption.setBuddy(widget if name != "contact_rules" else self.rules["no_mail"])
            column.addWidget(caption)
            column.addWidget(holder)
            column.addSpacing(2)
            if name in CHECKED and isinstance(widget, QLineEdit):
                widget.editingFinished.connect(lambda n=name: self.check(n))
            # A field marked in error is checked again as it is typed in, so the red goes away
            # the moment it is right.
            if isinstance(widget, QLineEdit | QPlainTextEdit):
                widget.textChanged.connect(lambda *_a, n=name: self._recheck(n))
        self.message = error_label()
        buttons = save_cancel(self, self.save)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        column.addStretch(1)
        columns.addLayout(column, 1)
        layout.addLayout(columns)
        # New clients are checked against clients, adverse parties and employers as typed.
        self.conflicts = (
            None if record else conflict_panel.for_client(vault, self.inputs, self.reject)
        )
        if self.conflicts is not None:
            layout.addWidget(self.conflicts)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        if record is not None:
            self._fill(record)

    def _fill(self, record: ClientRecord) -> None:
        values = {
            "first_name": record.first_name,
            "last_name": record.last_name,
            "other_names": "\n".join(record.other_names),
            "a_number": record.a_number or "",
            "country_of_birth": record.country_of_birth,
            # By name ('español, mam'): a person reads names, and the form takes them back.
            "preferred_languages": ", ".join(map(vocab.language_label, record.preferred_languages)),
            "phone": record.phone,
            "email": record.email,
            "address": record.address,
            "state": record.state,
            "safe_contact": record.safe_contact,
            "contact_rules": ", ".join(record.contact_rules),
            "mail_to": record.mail_to,
            "notes": record.notes,
        }
        for name, value in values.items():
            self.set_text(name, value)
        self.birth.set_value(record.date_of_birth)

    @property
    def birth(self) -> DateInput:
        widget = self.inputs["date_of_birth"]
        assert isinstance(widget, DateInput)
        return widget

    def value(self, name: str) -> str:
        """What the services get: the text, and the birth date as ISO (typed in the person's
        order). A birth date that is not a date raises the field's own sentence."""
        if name == "date_of_birth":
            return self.birth.iso() or ""
        return self.text(name)

    def text(self, name: str) -> str:
        if name == "contact_rules":
            return ",".join(key for key, box in self.rules.items() if box.isChecked())
        widget = self.inputs[name]
        return widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()

    def set_text(self, name: str, value: str) -> None:
        if name == "contact_rules":
            keys = {key.strip() for key in value.split(",")}
            for key, box in self.rules.items():
                box.setChecked(key in keys)
            return
        widget = self.inputs[name]
        if isinstance(widget, QPlainTextEdit):
            widget.setPlainText(value)
        else:
            widget.setText(value)

    def check(self, name: str) -> bool:
        try:
            problem = clients.check_field(name=name, value=self.value(name))
        except ValidationError as exc:
            problem = exc.problem
        self._show(name, problem)
        return problem is None

    def _recheck(self, name: str) -> None:
        if self.errors[name].isHidden():
            return
        if name in CHECKED:
            self.check(name)
        elif self.text(name).strip():
            self._show(name, None)

    def _show(self, name: str, problem: str | None) -> None:
        label = self.errors[name]
        label.setText(problem or "")
        label.setVisible(bool(problem))
        if name in self.inputs:
            mark_error(self.inputs[name], bool(problem))
        if not problem and all(error.isHidden() for error in self.errors.values()):
            self.message.clear()

    def save(self) -> None:
        if not all([self.check(name) for name in CHECKED]):  # a list: every field gets its message
            self.message.setText(_("Correct the fields marked in red; nothing was saved."))
            return
        waiting = self.conflicts.ready_to_save() if self.conflicts is not None else None
        if waiting:
            self.message.setText(waiting)
            return
        values = {name: self.value(name) for name, _label, _multi in FIELDS}
        if not values["state"].strip():
            del values["state"]  # the service reads it from the address
        try:
            if self.record is None:
                result = clients.add_client(self.vault, **values)  # type: ignore[arg-type]
            else:
                result = clients.update_client(
                    self.vault,
                    client_id=self.record.id,
                    version=self.record.version,
                    **values,  # type: ignore[arg-type]
                )
        except ConflictError as exc:
            # Someone saved first: show their values (this person's typing is not kept).
            self.record = clients.get_client(self.vault, client_id=self.record.id)
            self._fill(self.record)
            self.message.setText(exc.message)
            return
        except ValidationError as exc:
            field = next(
                (
                    n
                    for n, label, _m in FIELDS
                    if exc.field.lower() in (n.replace("_", " "), label.lower())
                ),
                None,
            )
            if field:
                self._show(field, exc.problem)
            self.message.setText(desktop_message(exc) + " " + _("Nothing was saved."))
            return
        except ClinicError as exc:
            self.message.setText(desktop_message(exc))
            return
        self.changes = result.changes
        self.saved_id = result.record.id
        if self.conflicts is not None:
            self.conflicts.record(self.saved_id)
        self.accept()
