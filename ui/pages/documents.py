"""Documents: pick a template and a matter or a whole agency letter, render drafts, open them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
)

from clinic_app.i18n import N_, _, ngettext
from clinic_app.services import documents, letters, matters
from clinic_app.services.changes import LETTER, MATTER
from clinic_app.services.documents import LeftOut, MatterFilter, RenderReport
from clinic_app.services.records import MatterRecord
from ui.background import Background, Job
from ui.bus import ChangeBus
from ui.date_input import shown_day
from ui.feedback import desktop_message
from ui.guards import guarded
from ui.matter_view import KIND_LABELS, STATUS_LABELS
from ui.pages.base import Page

GRANT_STATES = (
    (N_("live (includes ending)"), "live"),
    (N_("ending within the days below"), "ending"),
    (N_("ended"), "ended"),
    (N_("terminated"), "terminated"),
)


def matter_label(m: MatterRecord) -> str:
    """A matter as the list to pick from names it: "Rosa Flores · Renewal · Receipt (#12)"."""
    kind, stage = _(KIND_LABELS.get(m.kind, m.kind)), _(STATUS_LABELS.get(m.status, m.status))
    return f"{m.client_name} · {kind} · {stage} (#{m.id})"


# A matter's grant as the batch saw it (left out for it), in words.
GRANT_STATE_WORDS = {
    "live": N_("live"),
    "ending": N_("ending soon"),
    "ended": N_("ended"),
    "terminated": N_("terminated"),
    "none": N_("none on file"),
}


def left_out_reason(left: LeftOut) -> str:
    """Why a batch left a matter out, in this screen's words: the choice under Only, never the
    command line's flag, and labels, never ids."""
    if left.choice == "kind":
        kind = _(KIND_LABELS.get(left.value, left.value))
        return _("left out: its kind ({kind}) is not one chosen under Only").format(kind=kind)
    if left.choice == "stage":
        stage = _(STATUS_LABELS.get(left.value, left.value))
        return _("left out: its stage ({stage}) is not one chosen under Only").format(stage=stage)
    if left.choice == "grant_state":
        state = _(GRANT_STATE_WORDS.get(left.value, left.value))
        return _("left out: its grant ({state}) is not one chosen under Only").format(state=state)
    return left.reason


class DocumentsPage(Page):
    title = N_("Documents")
    # Clinic details the templates need are not set: (their keys, the sentence naming them).
    clinic_settings_needed = Signal(object, str)

    def __init__(self, bus: ChangeBus, background: Background) -> None:
        super().__init__(bus)
        self.background = background
        self.job: Job | None = None
        self.today: Callable[[], date] = date.today  # the clock, replaceable by tests
        self.template = guarded(QComboBox())
        self.template.setAccessibleName(_("Template"))
        self.for_matter = QRadioButton(_("One matter"))
        self.for_letter = QRadioButton(_("Every worker under an agency letter"))
        self.for_matter.setChecked(True)
        self.matter = guarded(QComboBox())
        self.matter.setEditable(True)
        self.matter.setAccessibleName(_("Matter"))
        self.matter.lineEdit().setPlaceholderText(_("Type a client's name, then choose the matter"))
        self.matter.lineEdit().textEdited.connect(self._search_matters)
        self.letter = guarded(QComboBox())
        self.letter.setAccessibleName(_("Agency letter"))
        self.language = guarded(QComboBox())
        self.language.setAccessibleName(_("Language"))
        self.language.addItem(_("Each client's language (client letters) or English"), None)
        self.language.addItem("English", "en")
        self.language.addItem("Español", "es")
        self.out_dir = QLineEdit("~/clinic-drafts")
        self.out_dir.setAccessibleName(_("Save drafts in"))
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._choose_dir)
        self.keep = QCheckBox(_("Also keep an encrypted copy inside the vault"))
        self.notice = QLabel(
            _(
                "Generated drafts are plain .docx files (Word must open them): they are not "
                "encrypted, so anyone who can open this folder can read them. Delete them when "
                "done, or keep copies in the vault instead."
            )
        )
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #5c4400")
        # Choosing matters under a letter (the CLI's --kind, --stage, --grant-state, …).
        self.kind = QComboBox()
        self.kind.setAccessibleName(_("Kind of request"))
        self.kind.addItem(_("Any kind"), None)
        for kind, label in KIND_LABELS.items():
            self.kind.addItem(_(label), kind)
        self.stage = QComboBox()
        self.stage.setAccessibleName(_("Stage"))
        self.stage.addItem(_("Any stage"), None)
        for stage, label in STATUS_LABELS.items():
            self.stage.addItem(_(label), stage)
        self.grant_state = QComboBox()
        self.grant_state.setAccessibleName(_("Grant"))
        self.grant_state.addItem(_("Any grant"), None)
        for label, state in GRANT_STATES:
            self.grant_state.addItem(_(label), state)
        self.within = QSpinBox()
        self.within.setAccessibleName(_("Days for ending"))
        self.within.setRange(0, 3650)
        self.within.setValue(180)
        self.within.setSuffix(" " + _("days"))
        self.one_per_client = QCheckBox(_("One per client"))
        self.all_workers = QCheckBox(_("List closed and decided workers too"))
        self.all_workers.setToolTip(
            _(
                "For a worksite-wide letter (the Statement of Interest request): by default it "
                "lists only workers with an open matter"
            )
        )
        self.render_button = QPushButton(_("Make drafts"))
        self.render_button.clicked.connect(lambda: self.render(anyway=False))
        self.anyway_button = QPushButton(_("Make them anyway"))
        self.anyway_button.setToolTip(
            _("Make the documents refused above although the template is not for those matters")
        )
        self.anyway_button.clicked.connect(lambda: self.render(anyway=True))
        self.anyway_button.hide()
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self._cancel)
        self.progress = QProgressBar()
        self.progress.hide()  # shown while drafts are made; idle, it looked like an empty field
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.results = QListWidget()
        self.results.setAccessibleName(_("Drafts made"))
        # Why a draft was not made runs long: each line wraps to the list's width, read whole
        # without scrolling sideways.
        self.results.setWordWrap(True)
        self.results.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.itemActivated.connect(self._open_item)
        self.open_folder = QPushButton(_("Open folder"))
        self.open_folder.clicked.connect(self._open_folder)
        self.open_folder.setEnabled(False)

        form = QFormLayout()
        form.addRow(_("Template"), self.template)
        who = QHBoxLayout()
        who.addWidget(self.for_matter)
        who.addWidget(self.for_letter)
        who.addStretch(1)
        form.addRow(_("For"), who)
        form.addRow(_("Matter"), self.matter)
        form.addRow(_("Agency letter"), self.letter)
        choose = QHBoxLayout()
        for widget in (self.kind, self.stage, self.grant_state, self.within, self.one_per_client):
            choose.addWidget(widget)
        choose.addStretch(1)
        form.addRow(_("Only"), choose)
        form.addRow("", self.all_workers)
        form.addRow(_("Language"), self.language)
        where = QHBoxLayout()
        where.addWidget(self.out_dir, 1)
        where.addWidget(browse)
        form.addRow(_("Save drafts in"), where)
        form.addRow("", self.keep)
        buttons = QHBoxLayout()
        buttons.addWidget(self.render_button)
        buttons.addWidget(self.anyway_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.progress, 1)
        buttons.addStretch(1)
        buttons.addWidget(self.open_folder)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.notice)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.results, 1)
        self.for_matter.toggled.connect(self._mode_changed)
        self._mode_changed()
        self._last_dir: Path | None = None

    def kinds(self) -> frozenset[str]:
        return frozenset({LETTER, MATTER})

    def reload(self) -> None:
        self.template.clear()
        self.letter.clear()
        self.matter.clear()
        self.results.clear()
        # Until drafts are made, the empty list says what goes there and how.
        hint = QListWidgetItem(
            _(
                "The drafts you make are listed here. Choose a template and a matter (or an "
                "agency letter), then Make drafts; double-click a draft to open it."
            )
        )
        hint.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.results.addItem(hint)
        self.message.clear()
        enabled = self.vault is not None
        self.render_button.setEnabled(enabled)
        if self.vault is None:
            return
        seen: set[str] = set()
        for record in documents.list_templates(vault=self.vault):
            if record.id in seen:
                continue
            seen.add(record.id)
            label = _(record.title) if record.title else record.id
            if record.worksite_wide:
                label += "  " + _("(one per letter)")
            self.template.addItem(label, record.id)
        for letter in letters.list_letters(self.vault):
            self.letter.addItem(
                ngettext(
                    "{agency} {date}: {employer} ({n} matter)",
                    "{agency} {date}: {employer} ({n} matters)",
                    letter.matter_count,
                ).format(
                    agency=letter.agency,
                    date=shown_day(letter.date_issued),
                    employer=letter.employer,
                    n=letter.matter_count,
                ),
                letter.id,
            )

    def _mode_changed(self) -> None:
        single = self.for_matter.isChecked()
        self.matter.setEnabled(single)
        self.letter.setEnabled(not single)
        for widget in (self.kind, self.stage, self.grant_state, self.within, self.one_per_client):
            widget.setEnabled(not single)

    def _search_matters(self, text: str) -> None:
        if self.vault is None or len(text.strip()) < 2:
            return
        found = matters.list_matters(self.vault, client_search=text, limit=30)
        self.matter.blockSignals(True)
        self.matter.clear()
        for m in found:
            self.matter.addItem(matter_label(m), m.id)
        self.matter.setEditText(text)
        self.matter.blockSignals(False)
        self.matter.showPopup()

    def choose_matter(self, matter_id: int) -> None:
        """Select a matter (e.g. from the matter screen) for the next render."""
        if self.vault is None:
            return
        m = matters.get_matter(self.vault, matter_id=matter_id)
        self.for_matter.setChecked(True)
        self.matter.clear()
        self.matter.addItem(matter_label(m), m.id)
        self.matter.setCurrentIndex(0)

    def choose_letter(self, letter_id: int) -> None:
        self.for_letter.setChecked(True)
        index = self.letter.findData(letter_id)
        if index >= 0:
            self.letter.setCurrentIndex(index)

    def _choose_dir(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, _("Save drafts in"), str(Path(self.out_dir.text()).expanduser())
        )
        if folder:
            self.out_dir.setText(folder)

    def _choices(self) -> MatterFilter:
        def picked(combo: QComboBox) -> tuple[str, ...]:
            value = combo.currentData()
            return (str(value),) if value else ()

        return MatterFilter(
            kinds=picked(self.kind),
            stages=picked(self.stage),
            grant_states=picked(self.grant_state),
            within=self.within.value(),
            one_per_client=self.one_per_client.isChecked(),
        )

    def render(self, anyway: bool = False) -> None:
        self.anyway_button.hide()
        if self.vault is None:
            return
        template = self.template.currentData()
        matter_id = self.matter.currentData() if self.for_matter.isChecked() else None
        letter_id = self.letter.currentData() if self.for_letter.isChecked() else None
        if template is None or (matter_id is None and letter_id is None):
            self.message.setText(_("Choose a template and a matter or an agency letter."))
            return
        missing = documents.clinic_settings_missing(
            self.vault, template=str(template), today=self.today()
        )
        if missing:
            names = ", ".join(m.what for m in missing)
            text = _(
                "Set these clinic details first: {names} (Settings → Clinic details for letters)."
            ).format(names=names)
            self.message.setText(text)
            self.clinic_settings_needed.emit(tuple(m.key for m in missing), text)
            return
        choose = self._choices() if letter_id is not None else None
        all_workers = self.all_workers.isChecked()
        vault, out, lang, keep = (
            self.vault,
            Path(self.out_dir.text()).expanduser(),
            self.language.currentData(),
            self.keep.isChecked(),
        )
        self.results.clear()
        self.render_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.progress.show()
        self.message.setText(_("Making the drafts…"))
        self.job = self.background.run(
            lambda progress: documents.render_documents(
                vault,
                template=str(template),
                today=self.today(),
                matter_id=matter_id,
                letter_id=letter_id,
                out_dir=out,
                lang=lang,
                keep_in_vault=keep,
                progress=progress,
                anyway=anyway,
                choose=choose,
                all_workers=all_workers,
            ),
            self._rendered,
            self._failed,
            self._progress,
        )

    def _progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _rendered(self, report: RenderReport) -> None:
        self._idle()
        self._last_dir = report.out_dir
        self.open_folder.setEnabled(report.out_dir is not None)
        for doc in report.documents:
            # A safe-contact caution comes first: it decides whether the letter may be mailed.
            caution = f"⚠ {doc.mailing_note} · " if doc.mailing_note else ""
            if doc.ok and doc.path is not None:
                extra = [note for note in (doc.language_note,) if note]
                if doc.anyway:
                    extra.append(_("made anyway although {why}").format(why=doc.anyway))
                item = QListWidgetItem(
                    f"{caution}✓ {doc.path.name}" + (f"  ({'; '.join(extra)})" if extra else "")
                )
                item.setData(256, str(doc.path))
            else:
                item = QListWidgetItem(
                    f"{caution}✗ {doc.worker or report.template}: "
                    f"{desktop_message(doc.problem or '')}"
                )
            self.results.addItem(item)
        for left in report.left_out:
            self.results.addItem(QListWidgetItem(f"– {left.worker}: {left_out_reason(left)}"))
        refused = [d for d in report.documents if d.refused]
        ok, bad = len(report.written), len(report.failed)
        made = ngettext("{n} draft written", "{n} drafts written", ok).format(n=ok)
        if bad:
            made = _("{written}, {n} not written").format(written=made, n=bad)
        text = _("{made}. Double-click a draft to open it in your word processor.").format(
            made=made
        )
        if refused:
            text = (
                _(
                    "{n} not made because the template is not for that matter (reasons above); "
                    "check them, then choose Make them anyway to make them regardless."
                ).format(n=len(refused))
                + " "
                + text
            )
            self.anyway_button.show()
        self.message.setText(text)
        self.bus.publish(report.changes)

    def _failed(self, message: str) -> None:
        self._idle()
        self.message.setText(message)

    def _idle(self) -> None:
        self.job = None
        self.render_button.setEnabled(self.vault is not None)
        self.cancel_button.setEnabled(False)
        self.progress.hide()

    def _cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _open_item(self, item: QListWidgetItem) -> None:
        path = item.data(256)
        if path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _open_folder(self) -> None:
        if self._last_dir is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._last_dir)))
