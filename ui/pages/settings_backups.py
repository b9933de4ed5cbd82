"""Settings → Backups: the backup plan, the copies per folder, Back up now and a restore drill."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from babel.dates import format_datetime
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clinic_app.errors import ClinicError
from clinic_app.i18n import N_, _, current_language, ngettext
from clinic_app.services import ChangeSet, backup_drill, backup_plan, backup_runs, backup_status
from clinic_app.services.backup_drill import DrillReport
from clinic_app.services.backup_plan import BackupPlan, Retention
from clinic_app.services.changes import SETTING
from clinic_app.services.vault_ops import Vault
from ui.auto_backup import local_now, run_summary
from ui.background import Background
from ui.bus import ChangeBus
from ui.forms import ERROR_STYLE, secret_field
from ui.guards import guarded

FREQUENCY_LABELS = [
    ("daily", N_("Every day")),
    ("weekly", N_("Every week")),
    ("on-close", N_("Whenever the vault is locked or closed after a change")),
    ("off", N_("Off")),
]
# Record kinds a person recognises, for the drill's comparison (table names are not labels).
DRILL_LABELS = [
    ("client", N_("clients")),
    ("matter", N_("matters")),
    ("grant", N_("grants")),
    ("note", N_("notes")),
    ("stored_file", N_("stored files")),
    ("deadline", N_("deadlines")),
]
CHECK_LABELS = {"ok": N_("verified"), "unverified": N_("not yet verified")}


def shown_size(size: int) -> str:
    """A file's size as a person reads it, in the screen's language ("12.3 MB", "12,3 MB")."""
    from babel.numbers import format_decimal

    if size >= 1_000_000:
        n = format_decimal(size / 1_000_000, format="#,##0.0", locale=current_language())
        return _("{n} MB").format(n=n)
    return _("{n} KB").format(n=max(1, size // 1000))


def _when(moment: datetime) -> str:
    return format_datetime(moment.astimezone(), format="short", locale=current_language())


class BackupsTab(QWidget):
    def __init__(self, bus: ChangeBus, background: Background) -> None:
        super().__init__()
        self.bus = bus
        self.background = background
        self.vault: Vault | None = None

        self.folders = QListWidget()
        self.folders.setAccessibleName(_("Backup folders"))
        self.folders.setMaximumHeight(92)
        self.add_folder_button = QPushButton(_("Add a folder…"))
        self.add_folder_button.clicked.connect(lambda _checked=False: self.add_folder())
        self.remove_folder_button = QPushButton(_("Remove"))
        self.remove_folder_button.clicked.connect(lambda _checked=False: self.remove_folder())
        folder_buttons = QVBoxLayout()
        folder_buttons.addWidget(self.add_folder_button)
        folder_buttons.addWidget(self.remove_folder_button)
        folder_buttons.addStretch(1)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folders, 1)
        folder_row.addLayout(folder_buttons)

        self.every = QComboBox()
        self.every.setAccessibleName(_("How often"))
        for key, label in FREQUENCY_LABELS:
            self.every.addItem(_(label), key)
        self.keep = {name: self._count(label) for name, label in _keep_labels()}
        keep_row = QHBoxLayout()
        for name, label in _keep_labels():
            keep_row.addWidget(self.keep[name])
            keep_row.addWidget(QLabel(_(label)))
        keep_row.addStretch(1)

        self.use_vault = QRadioButton(_("The vault passphrase"))
        self.use_own = QRadioButton(_("Their own passphrase"))
        self.use_vault.setChecked(True)
        protect_row = QHBoxLayout()
        protect_row.addWidget(self.use_vault)
        protect_row.addWidget(self.use_own)
        protect_row.addStretch(1)
        self.own_secret = secret_field(_("Backups' own passphrase"))
        self.own_repeat = secret_field(_("Repeat the backups' own passphrase"))
        own_row = QHBoxLayout()
        own_row.addWidget(self.own_secret)
        own_row.addWidget(QLabel(_("Repeat")))
        own_row.addWidget(self.own_repeat)
        self.vault_secret = secret_field(_("Vault passphrase"))
        self.use_own.toggled.connect(lambda _checked=False: self._protection_changed())
        self.save_button = QPushButton(_("Save the plan"))
        self.save_button.clicked.connect(lambda _checked=False: self.save_plan())
        self.plan_message = QLabel()
        self.plan_message.setWordWrap(True)

        plan_box = QGroupBox(_("Backup plan"))
        form = QFormLayout(plan_box)
        form.addRow(_("Folders"), folder_row)
        form.addRow(_("How often"), self.every)
        form.addRow(_("Keep"), keep_row)
        form.addRow(_("Protected by"), protect_row)
        form.addRow(_("Own passphrase"), own_row)
        form.addRow(_("Vault passphrase"), self.vault_secret)
        hint = QLabel(
            _(
                "Copies are encrypted, so a synced or shared folder never sees client data. The "
                "vault passphrase is asked for the first time and when the protection changes."
            )
        )
        hint.setWordWrap(True)
        form.addRow(hint)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addWidget(self.plan_message, 1)
        form.addRow(save_row)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.copies = QTableWidget(0, 4)
        self.copies.setAccessibleName(_("Backup copies"))
        self.copies.setHorizontalHeaderLabels([_("Folder"), _("Made"), _("Size"), _("Check")])
        self.copies.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.copies.verticalHeader().setVisible(False)
        self.copies.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.now_button = QPushButton(_("Back up now"))
        self.now_button.clicked.connect(lambda _checked=False: self.back_up_now())
        self.drill_button = QPushButton(_("Restore drill"))
        self.drill_button.setToolTip(
            _("Restore the newest copy into a temporary folder and compare it with this vault")
        )
        self.drill_button.clicked.connect(lambda _checked=False: self.drill())
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(self.now_button)
        actions.addWidget(self.drill_button)
        actions.addWidget(self.progress)
        actions.addStretch(1)
        copies_box = QGroupBox(_("Copies"))
        cbox = QVBoxLayout(copies_box)
        cbox.addWidget(self.status)
        cbox.addWidget(self.copies, 1)
        cbox.addLayout(actions)
        cbox.addWidget(self.message)

        layout = QVBoxLayout(self)
        layout.addWidget(plan_box)
        layout.addWidget(copies_box, 1)
        for widget in (self.every, *self.keep.values()):
            guarded(widget)  # scrolling over the plan must not change it
        self._protection_changed()

    def _count(self, label: str) -> QSpinBox:
        box = QSpinBox()
        box.setRange(0, 1000)
        box.setAccessibleName(_("Keep {what} copies").format(what=_(label)))
        box.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.UpDownArrows)
        return box

    # -- showing -----------------------------------------------------------------------------

    def set_vault(self, vault: Vault | None) -> None:
        """A new vault fills the form; the same vault keeps what the person is typing."""
        if vault is not self.vault:
            self.vault = vault
            for field in (self.own_secret, self.own_repeat, self.vault_secret):
                field.clear()
            self.plan_message.clear()
            self.message.clear()
            self.folders.clear()
            if vault is not None:
                self._fill_plan(backup_plan.get_plan(vault))
        self.refresh_copies()

    def _fill_plan(self, plan: BackupPlan) -> None:
        self.folders.clear()
        for destination in plan.destinations:
            self._add_folder_item(str(destination.path))
        # A vault with no plan yet offers daily backups: adding a folder and saving is enough.
        every = plan.every if plan.destinations else "daily"
        self.every.setCurrentIndex(max(0, self.every.findData(every)))
        for name, box in self.keep.items():
            box.setValue(getattr(plan.keep, name))
        (self.use_own if plan.own_passphrase else self.use_vault).setChecked(True)

    def _add_folder_item(self, path: str) -> None:
        folder = Path(path)
        state = "" if folder.is_dir() else "  " + _("(not connected now)")
        item = QListWidgetItem(f"{folder.name or folder}: {folder}{state}")
        item.setData(Qt.ItemDataRole.UserRole, str(folder))
        self.folders.addItem(item)

    def refresh_copies(self) -> None:
        self.copies.setRowCount(0)
        self.status.clear()
        if self.vault is None:
            return
        try:
            listings = backup_runs.list_backups(self.vault, recheck_files=False)
            status = backup_status.backup_status(self.vault, now=local_now())
        except ClinicError as exc:
            self.status.setText(exc.message)
            return
        advice = " " + self._how_to_start() if status.every == "off" else ""
        self.status.setText(
            ("⚠ " if status.warning else "")
            + status.message.rstrip(".")
            + "."
            + advice
            + "".join("\n" + note for note in status.notes)
        )
        rows = [(x.destination.label, c) for x in listings for c in x.copies]
        self.copies.setRowCount(len(rows))
        for row, (label, copy) in enumerate(rows):
            check = (
                _(CHECK_LABELS[copy.verified])
                if copy.verified in CHECK_LABELS
                else ("⚠ " + _("failed: {why}").format(why=copy.problem))
            )
            for column, text in enumerate((label, _when(copy.made), shown_size(copy.size), check)):
                self.copies.setItem(row, column, QTableWidgetItem(text))
        self.copies.resizeColumnsToContents()

    # -- the plan ------------------------------------------------------------------------------

    def _protection_changed(self) -> None:
        own = self.use_own.isChecked()  # read from the box, not from what the signal passed
        self.own_secret.setEnabled(own)
        self.own_repeat.setEnabled(own)

    def add_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, _("Choose a folder for backups"))
        if name:
            self._add_folder_item(name)

    def remove_folder(self) -> None:
        row = self.folders.currentRow()
        if row >= 0:
            self.folders.takeItem(row)

    def save_plan(self) -> None:
        if self.vault is None:
            return
        folders = [
            str(self.folders.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.folders.count())
        ]
        every = str(self.every.currentData())
        keep = Retention(*(self.keep[name].value() for name, _label in _keep_labels()))
        own = self.use_own.isChecked()
        problems = []
        if not folders and every != "off":
            problems.append(_("Add a folder for the backups (Settings → Backups → Add a folder…)."))
        if own and self.own_secret.text() != self.own_repeat.text():
            problems.append(_("The two own passphrases differ; type them again."))
        secret = (self.own_secret.text() if own else self.vault_secret.text()) or None
        try:
            needed = (
                bool(folders)
                and every != "off"
                and backup_plan.needs_secret(self.vault, own_passphrase=own)
            )
        except ClinicError as exc:
            problems.append(exc.message)
            needed = False
        if needed and secret is None:
            problems.append(
                _("Type the backups' own passphrase twice (Own passphrase).")
                if own
                else _("Type the vault passphrase: the backups are protected by it.")
            )
        if problems:
            self._say(self.plan_message, " ".join(problems), error=True)
            return
        vault = self.vault
        self.save_button.setEnabled(False)
        self._say(self.plan_message, _("Saving…"))
        self.background.run(
            lambda: backup_plan.set_plan(
                vault, folders=folders, every=every, keep=keep, own_passphrase=own, secret=secret
            ),
            self._saved,
            lambda message: self._plan_failed(message),
        )

    def _saved(self, plan: BackupPlan) -> None:
        self.save_button.setEnabled(True)
        for field in (self.own_secret, self.own_repeat, self.vault_secret):
            field.clear()
        if plan.enabled:
            text = ngettext(
                "Saved: backups {when} to {n} folder, keeping {keep}.",
                "Saved: backups {when} to {n} folders, keeping {keep}.",
                len(plan.destinations),
            ).format(
                when=self.every.currentText().lower(),
                n=len(plan.destinations),
                keep=plan.keep.describe(),
            )
        else:
            text = _("Saved: automatic backups are off.")
        self._say(self.plan_message, text)
        self.bus.publish(ChangeSet(kinds=frozenset({SETTING})))

    def _plan_failed(self, message: str) -> None:
        self.save_button.setEnabled(True)
        self._say(self.plan_message, message, error=True)

    # -- copies --------------------------------------------------------------------------------

    def back_up_now(self) -> None:
        if self.vault is None:
            return
        vault = self.vault
        self._busy(_("Backing up to every folder…"))
        self.background.run(
            lambda progress: backup_runs.run_due_backups(
                vault, now=local_now(), trigger="now", progress=progress
            ),
            lambda report: self._finished(
                run_summary(report) or _("No backup folder is set.") + " " + self._how_to_start(),
                error=not report.ok,
            ),
            lambda message: self._finished(message, error=True),
            self._progress,
        )

    def drill(self) -> None:
        if self.vault is None:
            return
        vault = self.vault
        self._busy(_("Restoring the newest copy into a temporary folder…"))
        self.background.run(
            lambda: backup_drill.restore_drill(vault),
            lambda report: self._finished(
                _drill_text(report)
                + (
                    " " + _("Make one first with “{now}”.").format(now=self._button(self.now_button))
                    if report.copy is None
                    else ""
                ),
                error=not report.ok,
            ),
            lambda message: self._finished(message, error=True),
        )

    @staticmethod
    def _button(button: QPushButton) -> str:
        """A button's words as a sentence names it (without the '&' of its shortcut)."""
        return button.text().replace("&", "")

    def _how_to_start(self) -> str:
        """What turns automatic backups on, in the words of this tab's own buttons."""
        return _("Choose where copies go: “{add}”, then “{save}”.").format(
            add=self._button(self.add_folder_button), save=self._button(self.save_button)
        )

    def _busy(self, text: str) -> None:
        self.now_button.setEnabled(False)
        self.drill_button.setEnabled(False)
        self._say(self.message, text)

    def _progress(self, done: int, total: int) -> None:
        self.progress.show()
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _finished(self, text: str, *, error: bool = False) -> None:
        self.progress.hide()
        self.now_button.setEnabled(True)
        self.drill_button.setEnabled(True)
        self._say(self.message, text, error=error)
        self.bus.publish(ChangeSet(kinds=frozenset({SETTING})))
        self.refresh_copies()

    def _say(self, label: QLabel, text: str, *, error: bool = False) -> None:
        label.setStyleSheet(ERROR_STYLE if error else "")
        label.setText(text)


def _keep_labels() -> list[tuple[str, str]]:
    return [("daily", N_("daily")), ("weekly", N_("weekly")), ("monthly", N_("monthly"))]


def _drill_text(report: DrillReport) -> str:
    if report.copy is None:
        return _("Restore drill failed: {why}.").format(why="; ".join(report.problems))
    counts = {table: (in_copy, live) for table, in_copy, live in report.counts}
    records = ", ".join(
        f"{_(label)} {counts[t][0]}/{counts[t][1]}"
        for t, label in DRILL_LABELS
        if t in counts and any(counts[t])
    )
    when = _when(report.made) if report.made else ""
    if report.ok:
        since = ngettext("{n} event since", "{n} events since", report.events_since).format(
            n=report.events_since
        )
        head = _(
            "Restore drill passed: the newest copy ({where}, {when}) restores, passes its check, "
            "and its audit log is this vault's ({since})."
        ).format(where=report.destination, when=when, since=since)
    else:
        why = "; ".join(report.problems) or _("its audit log does not match this vault's")
        head = _("Restore drill FAILED for the newest copy ({where}, {when}): {why}.").format(
            where=report.destination, when=when, why=why
        )
    return head + " " + _("Records (copy/vault): {records}.").format(records=records)
