"""Reports the clinic prints or sends: the weekly deadline report per assignee (.docx).

Built with python-docx directly. The report follows the action queue (the same tiers, order
and grouping as Today): portrait, columns sized to what they hold, the header row repeated on
every page, the clinic's name and "Page X of Y" in the header and footer, the program policy
said once. It holds client names (an internal working paper the person asked for), so it is
written only where the person says, and the export is audited.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from clinic_app.documents.xmltext import docx_text
from clinic_app.i18n import _, ngettext
from clinic_app.services import deadlines, rule_status
from clinic_app.services._base import now
from clinic_app.services.deadlines import UNASSIGNED, PolicyNote, Queue, QueueItem
from clinic_app.services.staff import list_staff
from clinic_app.store.base import Store
from clinic_app.vault import audit
from clinic_app.vault.fsutil import atomic_write

MAX_ROWS = 200  # per tier: a longer list is cut, with a line saying how many more
HORIZON = 90
UNASSIGNED_NAME = "Unassigned"
_COLUMNS = ("Due", "When", "What", "Client", "Matter")
# Letter portrait, 1.8 cm margins: what the table may use, and each column's bounds (cm).
_USABLE_CM = 17.9
_BOUNDS_CM = ((2.4, 2.4), (2.2, 2.8), (4.5, 9.0), (3.0, 5.0), (1.7, 1.9))
_CM_PER_CHAR = 0.21  # 9-point text (cell margins come on top)
NOW_TIERS = ("terminated", "work_permit_stop", "due_today", "rfe_biometrics", "overdue")
SUMMARY_TIERS = ("week", "month", "quarter", "stale")


@dataclass(frozen=True)
class AssigneeReport:
    assignee: str
    queue: Queue

    def count(self, tier: str) -> int:
        return self.queue.counts.get(tier, 0)

    @property
    def now(self) -> int:
        return sum(self.count(t) for t in NOW_TIERS)


@dataclass(frozen=True)
class ReportSummary:
    path: Path
    week_start: date
    assignees: int
    overdue: int  # rows needing action now (the five tiers above "this week")
    this_week: int
    next_30: int
    next_90: int
    snoozed: int
    truncated: bool
    stale: int = 0


def _when(item: QueueItem, today: date) -> str:
    if item.workers:
        return ""  # a letter's period, not a task running late
    days = (item.due - today).days
    if days < 0:
        return ngettext("{n} day late", "{n} days late", -days).format(n=-days)
    if days == 0:
        return _("today")
    if days == 1:
        return _("tomorrow")
    return _("in {n} days").format(n=days)


def _widths(rows: list[list[str]]) -> list[float]:
    """Column widths (cm) from the longest text in each column, within bounds, filling the page."""
    wanted = []
    for column, (low, high) in enumerate(_BOUNDS_CM):
        longest = max((len(line) for row in rows for line in row[column].split("\n")), default=0)
        wanted.append(min(high, max(low, longest * _CM_PER_CHAR + 0.5)))
    spare = _USABLE_CM - sum(wanted)
    wanted[2] += spare  # "What" takes what is left (and gives it back when over)
    return wanted


def _repeat_header(row: Any) -> None:
    """Mark a table row as a header row, repeated at the top of every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)
    cant_split = OxmlElement("w:cantSplit")
    properties.append(cant_split)


def _keep_rows_whole(table: Any) -> None:
    from docx.oxml import OxmlElement

    for row in table.rows[1:]:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _field(paragraph: Any, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that the word processor fills in when it lays out pages."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)

    char("begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {code} "
    paragraph.add_run()._r.append(instruction)
    char("separate")
    paragraph.add_run("1")  # shown until the fields are updated
    char("end")


def _table(document: Any, items: list[QueueItem], today: date) -> None:
    from docx.shared import Cm

    rows = [[_(c) for c in _COLUMNS]]
    for item in items:
        client = (
            ngettext("{n} worker", "{n} workers", len(item.workers)).format(n=len(item.workers))
            if item.workers
            else item.client
        )
        rows.append(
            [
                item.due.isoformat(),
                _when(item, today),
                item.title,
                client,
                str(item.matter_id) if item.matter_id else "",
            ]
        )
    table = document.add_table(rows=len(rows), cols=len(_COLUMNS))
    table.style = "Table Grid"
    table.autofit = False
    for tr, values in zip(table.rows, rows, strict=True):
        for tc, value in zip(tr.cells, values, strict=True):
            tc.text = docx_text(value)
    # Both the grid (LibreOffice reads it) and every cell (Word reads those).
    for column, width in zip(table.columns, _widths(rows), strict=True):
        column.width = Cm(width)
        for tc in column.cells:
            tc.width = Cm(width)
    for tc in table.rows[0].cells:
        for run in tc.paragraphs[0].runs:
            run.bold = True
    _repeat_header(table.rows[0])
    _keep_rows_whole(table)


def _page_furniture(section: Any, clinic: str, today: date) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    header = section.header.paragraphs[0]
    header.text = docx_text(
        f"{clinic} — " + _("Deadline report, week of {day}").format(day=today.isoformat())
    )
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(_("Confidential — client information") + " · ")
    footer.add_run(_("Page") + " ")
    _field(footer, "PAGE")
    footer.add_run(" " + _("of") + " ")
    _field(footer, "NUMPAGES")
    for paragraph in (header, footer):
        for run in paragraph.runs:
            run.font.size = Pt(8)


def build_report(
    groups: list[AssigneeReport],
    *,
    today: date,
    generated: str,
    clinic: str,
    snoozed: int,
    policies: list[PolicyNote],
    notes: Sequence[str] = (),
) -> tuple[bytes, bool]:
    """The .docx bytes, and whether any tier was cut at its row limit."""
    # python-docx is imported here, not at start-up: every command line run would pay for it.
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.59), Cm(27.94)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.8))
    section.top_margin, section.bottom_margin = Cm(1.6), Cm(1.6)
    section.header_distance, section.footer_distance = Cm(0.7), Cm(0.7)
    _page_furniture(section, clinic, today)
    document.styles["Normal"].font.size = Pt(9)
    document.add_heading(_("Deadline report"), level=0)
    document.add_paragraph(
        _(
            "Week of {day}. Generated {when}. What needs action now, then the next {n} days, "
            "most serious first, by assignee."
        ).format(day=today.isoformat(), when=generated, n=HORIZON)
    )
    for note in policies:  # the program's status, once for the whole report
        document.add_paragraph(
            docx_text(
                _("Policy: {program} is {status} since {since}. {summary}").format(
                    program=note.title,
                    status=_(note.status),
                    since=note.since.isoformat(),
                    summary=note.summary,
                )
            ),
            style="Intense Quote",
        )
    for line in notes:
        document.add_paragraph(docx_text(line), style="Intense Quote")
    headers = [_("Assignee"), _("Needs action now"), _("This week"), _("Next 30 days")]
    headers += [_("Next 90 days"), _("Stale")]
    summary = document.add_table(rows=len(groups) + 2, cols=len(headers))
    summary.style = "Table Grid"
    values = [headers] + [
        [g.assignee, str(g.now), *(str(g.count(t)) for t in SUMMARY_TIERS)] for g in groups
    ]
    totals = [sum(g.now for g in groups)] + [sum(g.count(t) for g in groups) for t in SUMMARY_TIERS]
    values.append([_("All"), *map(str, totals)])
    for tr, row in zip(summary.rows, values, strict=True):
        for tc, value in zip(tr.cells, row, strict=True):
            tc.text = docx_text(value)
    if snoozed:
        document.add_paragraph(
            ngettext(
                "{n} snoozed deadline is left out until its snooze date.",
                "{n} snoozed deadlines are left out until their snooze dates.",
                snoozed,
            ).format(n=snoozed)
        )
    if not groups:
        document.add_paragraph(_("Nothing is due in the next {n} days.").format(n=HORIZON))
    truncated = False
    for group in groups:
        document.add_page_break()  # type: ignore[no-untyped-call]
        document.add_heading(docx_text(group.assignee), level=1)
        document.add_paragraph(group.queue.summary)
        for tier in group.queue.groups:
            document.add_heading(f"{tier.mark} {tier.title} ({tier.count})", level=2)
            _table(document, tier.items, today)
            left_out = tier.count - len(tier.items)
            if left_out > 0:
                truncated = True
                document.add_paragraph(
                    _("… and {n} more; 'clinic-app today' lists them all.").format(n=left_out)
                )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue(), truncated


def assignee_queues(
    vault: Store, *, today: date, assignee_id: int | None, max_rows: int
) -> list[AssigneeReport]:
    """One queue per assignee with something to do (the unassigned last)."""
    people = [(m.name, m.id) for m in list_staff(vault)]
    if assignee_id is not None:
        people = [(name, sid) for name, sid in people if sid == assignee_id]
    else:
        people.sort(key=lambda p: p[0].casefold())
        people.append((_(UNASSIGNED_NAME), UNASSIGNED))
    out = []
    for name, sid in people:
        queue = deadlines.build_queue(vault, today=today, assignee_id=sid, per_tier=max_rows)
        if queue.groups:
            out.append(AssigneeReport(name, queue))
    return out


def deadline_report(
    vault: Store,
    *,
    out: Path,
    today: date,
    assignee_id: int | None = None,
    max_rows: int = MAX_ROWS,
) -> ReportSummary:
    """Write the weekly deadline report: per assignee, the action queue's tiers in order."""
    groups = assignee_queues(vault, today=today, assignee_id=assignee_id, max_rows=max_rows)
    everything_open = deadlines.dashboard(
        vault, today=today, within=HORIZON, assignee_id=assignee_id, limit=0
    )
    policies: dict[str, PolicyNote] = {}
    for group in groups:
        for note in group.queue.policies:
            policies.setdefault(note.program, note)
    from clinic_app.services.documents import clinic_details  # not at start-up: docxtpl

    clinic = clinic_details(vault).get("name") or _("(clinic name not set)")
    # A pack past its review date is named at the top: its dates may rest on changed rules.
    stale_packs = [s.line for s in rule_status.stale_in(deadlines.rulebook(vault), today)]
    data, truncated = build_report(
        groups,
        today=today,
        generated=now().strftime("%Y-%m-%d %H:%M UTC"),
        clinic=clinic,
        snoozed=everything_open.counts["snoozed"],
        policies=list(policies.values()),
        notes=stale_packs,
    )
    atomic_write(Path(out), data)
    rows = sum(sum(g.queue.counts.values()) for g in groups)
    with vault.session() as session:
        audit.record(
            session,
            action="export_report",
            record_kind="deadline",
            summary=f"deadline report, {rows} rows, {len(groups)} assignees",
        )
    return ReportSummary(
        path=Path(out),
        week_start=today,
        assignees=len(groups),
        overdue=sum(g.now for g in groups),
        this_week=sum(g.count("week") for g in groups),
        next_30=sum(g.count("month") for g in groups),
        next_90=sum(g.count("quarter") for g in groups),
        snoozed=everything_open.counts["snoozed"],
        truncated=truncated,
        stale=sum(g.count("stale") for g in groups),
    )


__all__ = ["MAX_ROWS", "AssigneeReport", "ReportSummary", "assignee_queues", "deadline_report"]
