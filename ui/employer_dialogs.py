"""Add or correct an employer, one of its worksites, or an agency letter (Statement of Interest)."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from clinic_app.errors import ClinicError
from clinic_app.i18n import N_, _
from clinic_app.services import employers, letters
from clinic_app.services.records import EmployerRecord, LetterRecord, WorksiteRecord
from clinic_app.services.vault_ops import Vault
from ui import conflict_panel
from ui.date_input import DateInput, read_dates
from ui.forms import RecordDialog
from ui.guards import guarded


def _line(name: str, value: str = "", placeholder: str = "") -> QLineEdit:
    field = QLineEdit(value)
    field.setAccessibleName(_(name))
    if placeholder:
        field.setPlaceholderText(placeholder)
    return field


class _PlaceDialog(RecordDialog):
    """What the employer and worksite editors share: a name and a place, saved with the version
    the person loaded."""

    NAME_LABEL = ""

    def __init__(self, parent: QWidget | None, record: EmployerRecord | WorksiteRecord | None):
        super().__init__(parent)
        self.version = record.version if record else None
        self.name = _line(self.NAME_LABEL)
        self.address = _line(N_("Address"))
        self.city = _line(N_("City"))
        self.state = _line(N_("State"), placeholder="IL")
        self.form.addRow(_("Name"), self.name)
        self.form.addRow(_("Address"), self.address)
        self.form.addRow(_("City"), self.city)
        self.form.addRow(_("State"), self.state)
        if record is not None:
            self.fill(record)

    def fill(self, record: EmployerRecord | WorksiteRecord) -> None:
        self.version = record.version
        for field, value in (
            (self.name, record.name),
            (self.address, record.address),
            (self.city, record.city),
            (self.state, record.state),
        ):
            field.setText(value)

    def values(self) -> dict[str, str]:
        return {
            "name": self.name.text(),
            "address": self.address.text(),
            "city": self.city.text(),
            "state": self.state.text(),
        }


class EmployerDialog(_PlaceDialog):
    ERROR_FIELDS: ClassVar[dict[str, str]] = {"employer name": "name", "state": "state"}
    NAME_LABEL = N_("Employer name")

    def __init__(
        self, vault: Vault, parent: QWidget | None = None, *, record: EmployerRecord | None = None
    ) -> None:
        super().__init__(parent, record)
        self.vault, self.record = vault, record
        self.setWindowTitle(_("Edit employer") if record else _("New employer"))
        # A new employer is checked against the clients (a conflict) and the employers on file.
        self.conflicts = (
            None if record else conflict_panel.for_employer(vault, self.name, self.reject)
        )
        if self.conflicts is not None:
            self.form.addRow(self.conflicts)
        self.finish_layout()

    def reload(self) -> None:
        if self.record is not None:
            self.record = employers.get_employer(self.vault, employer_id=self.record.id)
            self.fill(self.record)

    def save(self) -> None:
        waiting = self.conflicts.ready_to_save() if self.conflicts is not None else None
        if waiting:
            self.error.setText(waiting)
            return
        try:
            if self.record is None:
                result = employers.add_employer(self.vault, **self.values())
            else:
                result = employers.update_employer(
                    self.vault, employer_id=self.record.id, version=self.version, **self.values()
                )
        except ClinicError as exc:
            self.failed(exc)
            return
        self.changes, self.saved_id = result.changes, result.record.id
        if self.conflicts is not None:
            self.conflicts.record(self.saved_id)
        self.said = _("Saved the employer {name}.").format(name=result.record.name)
        self.accept()


class WorksiteDialog(_PlaceDialog):
    ERROR_FIELDS: ClassVar[dict[str, str]] = {"city": "city", "state": "state"}
    NAME_LABEL = N_("Worksite name")

    def __init__(
        self,
        vault: Vault,
        employer_id: int,
        parent: QWidget | None = None,
        *,
        record: WorksiteRecord | None = None,
    ) -> None:
        super().__init__(parent, record)
        self.vault, self.employer_id, self.record = vault, employer_id, record
        self.setWindowTitle(_("Edit worksite") if record else _("New worksite"))
        self.finish_layout()

    def reload(self) -> None:
        if self.record is not None:
            self.record = employers.get_worksite(self.vault, worksite_id=self.record.id)
            self.fill(self.record)

    def save(self) -> None:
        try:
            if self.record is None:
                result = employers.add_worksite(
                    self.vault, employer_id=self.employer_id, **self.values()
                )
            else:
                result = employers.update_worksite(
                    self.vault, worksite_id=self.record.id, version=self.version, **self.values()
                )
        except ClinicError as exc:
            self.failed(exc)
            return
        self.changes, self.saved_id = result.changes, result.record.id
        self.said = _("Saved the worksite.")
        self.accept()


class LetterDialog(RecordDialog):
    """Record, or correct, a Statement of Interest for an employer (and one of its worksites)."""

    ERROR_FIELDS: ClassVar[dict[str, str]] = {
        "agency": "agency",
        "letter date": "issued",
        "period start": "start",
        "period end": "end",
        "worksite": "worksite",
    }

    def __init__(
        self,
        vault: Vault,
        employer_id: int,
        parent: QWidget | None = None,
        *,
        record: LetterRecord | None = None,
    ) -> None:
        super().__init__(parent)
        self.vault, self.employer_id, self.record = vault, employer_id, record
        self.setWindowTitle(_("Edit agency letter") if record else _("New agency letter"))

        self.agency = _line(N_("Agency"), "", "DOL-WHD, NLRB, EEOC, OSHA, NY State DOL…")
        self.issued = DateInput(_("Date issued"), "letter date")
        self.start = DateInput(_("Covered period start"), "period start")
        self.end = DateInput(_("Covered period end"), "period end")
        self.reference = _line(N_("Reference"))
        self.worksite: QComboBox = guarded(QComboBox())
        self.worksite.setAccessibleName(_("Worksite"))
        self.worksite.addItem(_("Every worksite of the employer"), None)
        for site in employers.list_worksites(vault, employer_id=employer_id):
            place = ", ".join(p for p in (site.name, site.address, site.city, site.state) if p)
            self.worksite.addItem(place, site.id)
        self.form.addRow(_("Agency"), self.agency)
        self.form.addRow(_("Date issued"), self.issued)
        self.form.addRow(_("Period start"), self.start)
        self.form.addRow(_("Period end"), self.end)
        self.form.addRow(_("Worksite"), self.worksite)
        self.form.addRow(_("Reference"), self.reference)
        if record is not None:
            self.fill(record)
        self.finish_layout()

    def fill(self, record: LetterRecord) -> None:
        self.agency.setText(record.agency)
        self.issued.set_value(record.date_issued)
        self.start.set_value(record.period_start)
        self.end.set_value(record.period_end)
        self.reference.setText(record.reference)
        self.worksite.setCurrentIndex(max(0, self.worksite.findData(record.worksite_id)))

    def reload(self) -> None:
        if self.record is not None:
            self.record = letters.get_letter(self.vault, letter_id=self.record.id)
            self.fill(self.record)

    def save(self) -> None:
        try:
            issued, start, end = read_dates(self.issued, self.start, self.end)
            values = {
                "agency": self.agency.text(),
                "date_issued": issued,
                "period_start": start,
                "period_end": end,
                "worksite_id": self.worksite.currentData(),
                "reference": self.reference.text(),
            }
            if self.record is None:
                result = letters.add_letter(self.vault, employer_id=self.employer_id, **values)
            else:
                result = letters.update_letter(
                    self.vault, letter_id=self.record.id, version=self.record.version, **values
                )
        except ClinicError as exc:
            self.failed(exc)
            return
        self.changes, self.saved_id = result.changes, result.record.id
        self.said = _(
            "Saved the {agency} letter; the deadlines that follow it are updated."
        ).format(agency=result.record.agency)
        self.accept()
