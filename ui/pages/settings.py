"""Settings: safety, language, clinic details for letters, staff, templates, passphrase and recovery."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_app.errors import ClinicError
from clinic_app.i18n import LANGUAGES, N_, _, current_language, format_day, ngettext
from clinic_app.services import (
    deadlines,
    documents,
    server_session,
    settings,
    staff,
    staff_accounts,
    vault_ops,
    vocab,
)
from clinic_app.services.changes import SETTING, STAFF
from ui.background import Background
from ui.bus import ChangeBus
from ui.confirm import choose
from ui.date_input import DateInput
from ui.feedback import CLINIC_GROUP, CLINIC_LABELS, desktop_message, mark_error
from ui.guards import guarded
from ui.idle_lock import AUTOLOCK_KEY, DEFAULT_AUTOLOCK
from ui.pages.base import Page
from ui.pages.settings_accounts import AccountsTab
from ui.pages.settings_backups import BackupsTab
from ui.pages.settings_password import PasswordBox
from ui.pages.settings_rotation import RotationBox
from ui.rule_update import install_rule_update

ROLES = [
    ("attorney", N_("Attorney")),
    ("accredited_representative", N_("Accredited representative")),
    ("paralegal", N_("Paralegal")),
    ("organizer", N_("Organizer")),
    ("other", N_("Other")),
]
NO_RULE_CHOSEN = N_("Choose a rule to read where its number comes from.")
RULE_SOURCE_WIDTH = 260  # two lines of a citation's start; the line under the list has it whole
MULTILINE = {"address", "uscis_address"}

# What the Word templates box says, by where the records are (on the clinic server or not).
TEMPLATES_NOTE = {
    False: N_(
        "Clinic templates are sealed in the vault (encrypted) and travel with backups. Never "
        "type client details into a template."
    ),
    True: N_(
        "Clinic templates are kept encrypted on the clinic server, shared by the whole staff. "
        "Never type client details into a template."
    ),
}


def _language_name(code: str) -> str:
    name = vocab.language_label(code)
    return name[:1].upper() + name[1:]


class SettingsPage(Page):
    title = N_("Settings")
    autolock_changed = Signal(int)
    language_changed = Signal(str)

    def __init__(self, bus: ChangeBus, background: Background | None = None) -> None:
        super().__init__(bus)
        self.backups = BackupsTab(bus, background or Background(self))
        # -- safety and language (language is this laptop's choice; auto-lock travels with the vault)
        self.autolock = guarded(QSpinBox())
        self.autolock.setRange(1, 120)
        # "1 minuto", "5 minutos": the unit follows the number shown.
        self.autolock.valueChanged.connect(
            lambda n: self.autolock.setSuffix(" " + ngettext("minute", "minutes", n))
        )
        self.autolock.setSuffix(" " + ngettext("minute", "minutes", self.autolock.value()))
        self.autolock.setAccessibleName(_("Lock after this many idle minutes"))
        self.autolock.editingFinished.connect(self._save_autolock)
        self.language = guarded(QComboBox())
        self.language.setAccessibleName(_("Language of the app"))
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(current_language())))
        self.language.activated.connect(
            lambda _i: self.language_changed.emit(str(self.language.currentData()))
        )
        general = QGroupBox(_("Safety and language"))
        gform = QFormLayout(general)
        gform.addRow(_("Lock after idle"), self.autolock)
        gform.addRow(_("Language"), self.language)

        # -- clinic details used in letters
        self.clinic_fields: dict[str, QLineEdit | QPlainTextEdit] = {}
        clinic = QGroupBox(_(CLINIC_GROUP))
        cform = QFormLayout(clinic)
        for key, what in documents.CLINIC_KEYS.items():
            if "<" in key:
                continue
            field: QLineEdit | QPlainTextEdit
            label = _(CLINIC_LABELS.get(key, key.replace("_", " ").capitalize()))
            if key in MULTILINE:
                field = QPlainTextEdit()
                field.setFixedHeight(56)
                field.setTabChangesFocus(True)
            elif key == "uscis_address_checked":
                field = DateInput(label, key)
            else:
                field = QLineEdit()
            field.setAccessibleName(label)
            if not isinstance(field, DateInput):  # a date field's tip names the forms it takes
                field.setToolTip(_(what))
            self.clinic_fields[key] = field
            # Outlined while a document waits for it; plain again once something is typed.
            field.textChanged.connect(lambda *_a, f=field: mark_error(f, False))
            cform.addRow(label, field)
        self.clinic_message = QLabel()
        self.clinic_message.setWordWrap(True)
        save_clinic = QPushButton(_("Save clinic details"))
        save_clinic.clicked.connect(self.save_clinic)
        cform.addRow(self.clinic_message)
        cform.addRow(save_clinic)

        # -- staff
        self.staff_list = QListWidget()
        self.staff_list.setAccessibleName(_("Staff members"))
        self.staff_name = QLineEdit()
        self.staff_name.setPlaceholderText(_("Name"))
        self.staff_name.setAccessibleName(_("New staff member's name"))
        self.staff_role = guarded(QComboBox())
        self.staff_role.setAccessibleName(_("Role"))
        for key, label in ROLES:
            self.staff_role.addItem(_(label), key)
        add_staff = QPushButton(_("Add"))
        add_staff.clicked.connect(self.add_staff)
        # Under the list it acts on, worded for the person chosen: "Deactivate <name>".
        self.toggle_button = QPushButton(_("Deactivate"))
        self.toggle_button.setEnabled(False)
        self.toggle_button.clicked.connect(lambda _checked=False: self.toggle_staff())
        self.staff_list.currentItemChanged.connect(lambda *_a: self._staff_chosen())
        self.staff_message = QLabel()
        people = QGroupBox(_("Staff (for assignments and sign-off)"))
        pbox = QVBoxLayout(people)
        pbox.addWidget(self.staff_list)
        chosen_row = QHBoxLayout()
        chosen_row.addWidget(self.toggle_button)
        chosen_row.addStretch(1)
        pbox.addLayout(chosen_row)
        row = QHBoxLayout()
        row.addWidget(self.staff_name, 2)
        row.addWidget(self.staff_role, 1)
        row.addWidget(add_staff)
        pbox.addLayout(row)
        pbox.addWidget(self.staff_message)

        # -- templates
        self.template_list = QListWidget()
        self.template_list.setAccessibleName(_("Templates"))
        self.add_template_button = QPushButton(_("Add or replace a template…"))
        self.add_template_button.clicked.connect(self.add_template)
        self.copy_template_button = QPushButton(_("Copy a template to edit in Word…"))
        self.copy_template_button.clicked.connect(self.copy_template)
        self.remove_template_button = QPushButton(_("Remove the clinic's template"))
        self.remove_template_button.clicked.connect(self.remove_template)
        self.template_message = QLabel(_(TEMPLATES_NOTE[False]))
        self.template_message.setWordWrap(True)
        temps = QGroupBox(_("Word templates"))
        tbox = QVBoxLayout(temps)
        tbox.addWidget(self.template_list)
        trow = QHBoxLayout()
        trow.addWidget(self.add_template_button)
        trow.addWidget(self.copy_template_button)
        trow.addWidget(self.remove_template_button)
        trow.addStretch(1)
        tbox.addLayout(trow)
        tbox.addWidget(self.template_message)

        # -- deadline rules (clinic overrides of the shipped rule packs)
        self.rules = QTableWidget(0, 4)
        self.rules.setAccessibleName(_("Deadline rules"))
        self.rules.setHorizontalHeaderLabels([_("Rule"), _("Basis"), _("Days"), _("Source")])
        self.rules.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # The basis is a short phrase (longer in Spanish), the days a small number: each as
        # wide as it is; the source (a long citation) gets a fixed share and is read whole in
        # the line under the list once its rule is chosen.
        header = self.rules.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(3, RULE_SOURCE_WIDTH)
        self.rules.setWordWrap(True)
        self.rules.verticalHeader().setVisible(False)
        self.rules.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rules.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.rule_source = QLabel(_(NO_RULE_CHOSEN))
        self.rule_source.setObjectName("ruleSource")
        self.rule_source.setWordWrap(True)
        self.rule_source.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rules.currentCellChanged.connect(lambda row, *_a: self._show_rule_source(row))
        self.rules.setMinimumHeight(260)
        self.rules_message = QLabel(
            _(
                "Numbers marked as clinic defaults are practice, not law: change "
                "them to your clinic's practice. Every change is audited."
            )
        )
        self.rules_message.setWordWrap(True)
        rules_box = QGroupBox(_("Deadline rules"))
        rbox = QVBoxLayout(rules_box)
        rbox.addWidget(self.rules)
        rbox.addWidget(self.rule_source)
        rbox.addWidget(self.rules_message)
        self.install_update = QPushButton(_("Install update…"))
        self.install_update.clicked.connect(self._install_update)
        rbox.addWidget(self.install_update)

        # -- keys
        change = QPushButton(_("Change the vault passphrase…"))
        change.clicked.connect(self.change_passphrase)
        self.recovery_button = recovery = QPushButton(_("Make a new recovery code…"))
        recovery.clicked.connect(self.new_recovery_code)
        self.keys_box = keys = QGroupBox(_("Passphrase and recovery code"))
        kbox = QHBoxLayout(keys)
        kbox.addWidget(change)
        kbox.addWidget(recovery)
        kbox.addStretch(1)

        inner = QWidget()
        box = QVBoxLayout(inner)
        self.rotation = RotationBox(lambda: self.vault, self.backups.background)
        # On the clinic server a person has a login password instead of the vault's keys.
        self.password_box = PasswordBox(lambda: self.vault, self.backups.background)
        self.password_box.hide()
        for group in (general, clinic, people, rules_box, temps, keys, self.rotation):
            box.addWidget(group)
        box.addWidget(self.password_box)
        box.addStretch(1)
        scroll = QScrollArea()
        self.scroll = scroll
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        self.tabs = QTabWidget()
        self.tabs.addTab(scroll, _("General"))
        self.tabs.addTab(self.backups, _("Backups"))
        # Only a clinic admin signed in to the clinic server sees the accounts (a vault has none).
        self.accounts = AccountsTab(bus, self.backups.background)
        self.tabs.addTab(self.accounts, _("Staff accounts"))
        self.tabs.setTabVisible(self.tabs.indexOf(self.accounts), False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def kinds(self) -> frozenset[str]:
        return frozenset({SETTING, STAFF})

    def reload(self) -> None:
        self.backups.set_vault(self.vault)
        for field in self.clinic_fields.values():
            field.clear() if isinstance(field, QLineEdit) else field.setPlainText("")
        self.staff_list.clear()
        self.template_list.clear()
        self.clinic_message.clear()
        self.setEnabled(self.vault is not None)
        on_server = self.vault is not None and server_session.is_server(self.vault)
        self.keys_box.setVisible(not on_server)
        self.rotation.setVisible(not on_server)
        self.password_box.setVisible(on_server)
        manage = staff_accounts.can_manage(self.vault)
        self.accounts.set_store(self.vault, manage=manage)
        self.tabs.setTabVisible(self.tabs.indexOf(self.accounts), manage)
        if self.template_message.text() in {_(note) for note in TEMPLATES_NOTE.values()}:
            self.template_message.setText(_(TEMPLATES_NOTE[on_server]))
        if self.vault is None:
            self.password_box.clear()
            return
        self.autolock.setValue(
            int(settings.get_setting(self.vault, key=AUTOLOCK_KEY, default=DEFAULT_AUTOLOCK))
        )
        details = documents.clinic_details(self.vault)
        for key, field in self.clinic_fields.items():
            value = details.get(key)
            if isinstance(field, DateInput):
                field.set_value(date.fromisoformat(value) if value else None)
            elif isinstance(field, QLineEdit):
                field.setText(value)
            else:
                field.setPlainText(value)
        if details.warnings:
            self.clinic_message.setText(". ".join(details.warnings) + ".")
        for member in staff.list_staff(self.vault):
            state = "" if member.active else " · " + _("inactive")
            item = QListWidgetItem(
                f"{member.name} ({vocab.label('staff_role', member.role)}){state}"
            )
            item.setData(256, member.id)
            item.setData(257, member.active)
            item.setData(258, member.name)
            self.staff_list.addItem(item)
        if self.staff_list.count() == 0:
            hint = QListWidgetItem(_("No staff yet. Type a name below, choose the role, then Add."))
            hint.setFlags(Qt.ItemFlag.NoItemFlags)  # greyed; never chosen or acted on
            self.staff_list.addItem(hint)
        self._fill_rules()
        for record in documents.list_templates(vault=self.vault):
            origin = _("clinic") if record.source == "clinic" else _("shipped")
            title = _(record.title) if record.title else record.id
            language = vocab.language_label(record.language) or record.language
            item = QListWidgetItem(f"{title} · {language} · {origin}")
            # The list shows words; the id, language and origin ride along for the buttons.
            item.setData(256, (record.id, record.language, record.source))
            self.template_list.addItem(item)

    def _fill_rules(self) -> None:
        self.rules.setRowCount(0)
        if self.vault is None:
            return
        rows = [
            (program, rule)
            for program in deadlines.list_programs(self.vault, today=date.today())
            for rule in program.rules
        ]
        self.rules.setRowCount(len(rows))
        for row, (program, rule) in enumerate(rows):
            when = vocab.rule_when(
                rule.days, rule.direction, rule.fact, rule.where, rule.except_states
            )
            name = f"{vocab.label('program', program.id)}: {_(rule.message)}"
            cell = QTableWidgetItem(f"{name} ({when})")
            cell.setData(256, rule.id)
            self.rules.setItem(row, 0, cell)
            self.rules.setItem(row, 1, QTableWidgetItem(vocab.label("basis", rule.basis)))
            days = guarded(QSpinBox())
            days.setRange(0, 3650)
            days.setValue(rule.days)
            days.setAccessibleName(_("Days for {rule}").format(rule=_(rule.message)))
            days.editingFinished.connect(
                lambda rule_id=rule.id, box=days, name=name: self._set_rule(rule_id, box, name)
            )
            self.rules.setCellWidget(row, 2, days)
            checked = format_day(rule.last_checked) if rule.last_checked else ""
            source = QTableWidgetItem(f"{rule.source} ({checked})" if checked else rule.source)
            source.setToolTip(source.text())  # sources are long citations: whole here
            self.rules.setItem(row, 3, source)

    def _show_rule_source(self, row: int) -> None:
        """The chosen rule's source whole (a citation with its link, and when it was checked)."""
        item = self.rules.item(row, 3) if row >= 0 else None
        if item is None:
            self.rule_source.setText(_(NO_RULE_CHOSEN))
            return
        self.rule_source.setText(_("Source: {source}").format(source=item.text()))

    def _set_rule(self, rule_id: str, box: QSpinBox, name: str) -> None:
        if self.vault is None:
            return
        current = next(
            (
                r.days
                for p in deadlines.list_programs(self.vault, today=date.today())
                for r in p.rules
                if r.id == rule_id
            ),
            None,
        )
        if current == box.value():
            return
        try:
            result = deadlines.set_rule(self.vault, rule_id=rule_id, days=box.value())
        except ClinicError as exc:
            self.rules_message.setText(desktop_message(exc))
            return
        self.rules_message.setText(
            # The rule as the table names it ("DACA: File the DACA renewal"), not its id.
            _("Rule {rule} now uses {days} days; deadlines were recomputed.").format(
                rule=f"“{name}”", days=box.value()
            )
        )
        self.bus.publish(result.changes)

    def _install_update(self) -> None:
        if self.vault is None:
            return
        changes, message = install_rule_update(self, self.vault)
        if message:
            self.rules_message.setText(message)
        if not changes.empty:
            self._fill_rules()
            self.bus.publish(changes)

    def autolock_minutes(self) -> int:
        return int(self.autolock.value())

    def _save_autolock(self) -> None:
        if self.vault is None:
            return
        self.bus.publish(
            settings.set_setting(self.vault, key=AUTOLOCK_KEY, value=self.autolock.value())
        )
        self.autolock_changed.emit(self.autolock.value())

    def show_clinic_fields(self, keys: tuple[str, ...], message: str = "") -> None:
        """The clinic details a document needs, every one outlined, the first in view with the
        cursor in it; the message under them names them all."""
        fields = [self.clinic_fields[key] for key in keys if key in self.clinic_fields]
        for field in fields:
            mark_error(field, True)
        if fields:
            self.scroll.ensureWidgetVisible(fields[0])
            fields[0].setFocus()
        if message:
            self.clinic_message.setText(message)

    def save_clinic(self) -> None:
        if self.vault is None:
            return
        try:
            values = {
                key: (
                    (f.iso() or "")
                    if isinstance(f, DateInput)
                    else f.text()
                    if isinstance(f, QLineEdit)
                    else f.toPlainText()
                )
                for key, f in self.clinic_fields.items()
            }
            changes = documents.set_clinic_details(self.vault, values=values)
        except ClinicError as exc:
            self.clinic_message.setText(desktop_message(exc))
            return
        self.bus.publish(changes, _("Saved the clinic details."))
        self.clinic_message.setText(_("Saved."))

    def add_staff(self) -> None:
        if self.vault is None:
            return
        try:
            result = staff.add_staff(
                self.vault, name=self.staff_name.text(), role=str(self.staff_role.currentData())
            )
        except ClinicError as exc:
            self.staff_message.setText(desktop_message(exc))
            return
        self.staff_name.clear()
        self.staff_message.clear()
        self.bus.publish(
            result.changes, _("Added {name} to the staff.").format(name=result.record.name)
        )

    def _staff_chosen(self) -> None:
        item = self.staff_list.currentItem()
        if item is not None and item.data(256) is None:
            item = None  # the line saying there is nobody yet
        self.toggle_button.setEnabled(item is not None)
        if item is None:
            self.toggle_button.setText(_("Deactivate"))
            return
        name = str(item.data(258))
        self.toggle_button.setText(
            _("Deactivate {name}").format(name=name)
            if item.data(257)
            else _("Reactivate {name}").format(name=name)
        )

    def toggle_staff(self) -> None:
        item = self.staff_list.currentItem()
        if self.vault is None or item is None or item.data(256) is None:
            return
        active = not bool(item.data(257))
        name = str(item.data(258))
        result = staff.set_active(self.vault, staff_id=int(item.data(256)), active=active)
        self.bus.publish(
            result.changes,
            _("{name} is active again: offered for assignments and sign-off.").format(name=name)
            if active
            else _("{name} is inactive: no longer offered for new assignments or sign-off.").format(
                name=name
            ),
        )

    def add_template(self) -> None:
        if self.vault is None:
            return
        name, _f = QFileDialog.getOpenFileName(
            self, _("Choose a Word template"), "", "Word (*.docx)"
        )
        if not name:
            return
        template_id, ok = QInputDialog.getText(
            self,
            _("Template id"),
            _("Id (e.g. declaration, client-x):"),
            text=Path(name).stem.lower(),
        )
        if not ok:
            return
        # Languages by name ("Spanish", "español"); another one can be typed as its code.
        names = {_language_name(code): code for code in ("en", "es")}
        chosen, ok = QInputDialog.getItem(
            self, _("Language"), _("Language of the template:"), list(names), 0, True
        )
        if not ok:
            return
        lang = names.get(chosen, chosen.strip())
        try:
            documents.add_template(
                self.vault, path=Path(name), template_id=template_id, lang=lang, replace=True
            )
        except ClinicError as exc:
            self.template_message.setText(desktop_message(exc))
            return
        self.template_message.setText(
            _("Template added: it was checked, and every field it uses exists.")
        )
        self.reload()

    def _chosen_template(self) -> tuple[str, str, str] | None:
        """The template chosen in the list (id, language, origin); None says to choose one."""
        current = self.template_list.currentItem()
        if current is None:
            self.template_message.setText(_("Choose a template in the list first."))
            return None
        template_id, lang, origin = current.data(256)
        return template_id, lang, origin

    def copy_template(self) -> None:
        if self.vault is None or (chosen := self._chosen_template()) is None:
            return
        template_id, lang, _origin = chosen
        out, _f = QFileDialog.getSaveFileName(
            self, _("Save a copy to edit"), f"{template_id}.docx", "Word (*.docx)"
        )
        if not out:
            return
        try:
            path = documents.copy_template(
                template=template_id, lang=lang, out=Path(out), vault=self.vault
            )
        except ClinicError as exc:
            self.template_message.setText(desktop_message(exc))
            return
        self.template_message.setText(
            _("Copied to {path}. Edit it in Word, then add it back.").format(path=path)
        )

    def remove_template(self) -> None:
        if self.vault is None or (chosen := self._chosen_template()) is None:
            return
        template_id, lang, origin = chosen
        if origin != "clinic":
            self.template_message.setText(
                _("Shipped templates come with the app; only the clinic's own can be removed.")
            )
            return
        try:
            documents.remove_template(self.vault, template_id=template_id, lang=lang)
        except ClinicError as exc:
            self.template_message.setText(desktop_message(exc))
            return
        self.template_message.setText(_("Template removed (recorded in the audit log)."))
        self.reload()

    def change_passphrase(self) -> None:
        if self.vault is None:
            return
        from ui.passphrase_dialog import PassphraseDialog

        if PassphraseDialog(self.vault, self).exec():
            QMessageBox.information(
                self, _("Passphrase"), _("Passphrase changed. The recovery code still works.")
            )

    def new_recovery_code(self) -> None:
        if self.vault is None:
            return
        answer = choose(
            self,
            _("Recovery code"),
            _("Make a new recovery code? The old printed code will stop working."),
            [("make", _("Make a new code")), ("cancel", _("Cancel"))],
            default="cancel",
            cancel="cancel",
        )
        if answer != "make":
            return
        code = vault_ops.new_recovery_code(self.vault)
        from ui.recovery_code import show_once

        show_once(code, self)
