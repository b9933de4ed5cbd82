"""Reports the clinic prints or sends: the weekly deadline report per assignee (.docx).

Built with python-docx directly; when the documents engine offers a shared report layout this
can move onto it. The report holds client names (it is an internal working paper the person
asked for), so it is written only where the person says, and the export is audited.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from clinic_app.deadlines.engine import Deadline
from clinic_app.documents.xmltext import docx_text
from clinic_app.i18n import _
from clinic_app.services import deadlines, rule_status
from clinic_app.services._base import now
from clinic_app.vault import audit
from clinic_app.vault.fsutil import atomic_write
from clinic_app.vault.vault import Vault

MAX_ROWS = 200  # per section: a longer list is cut, with a line saying how many more
HORIZON = 90
UNASSIGNED = "Unassigned"
_COLUMNS = ("Due", "When", "What", "Client", "Matter", "Why")
_WIDTHS_CM = (2.2, 2.4, 4.2, 4.2, 1.6, 11.0)


@dataclass(frozen=True)
class Section:
    title: str
    deadlines: list[Deadline]


@dataclass(frozen=True)
class AssigneeReport:
    assignee: str
    sections: list[Section]

    def count(self, title: str) -> int:
        return next((len(s.deadlines) for s in self.sections if s.title == title), 0)


@dataclass(frozen=True)
class ReportSummary:
    path: Path
    week_start: date
    assignees: int
    overdue: int
    this_week: int
    next_30: int
    next_90: int
    snoozed: int
    truncated: bool


SECTION_TITLES = ("Overdue", "This week", "Next 30 days", "Next 90 days")


def _section_of(deadline: Deadline, today: date) -> str:
    days = (deadline.due - today).days
    if days < 0:
        return "Overdue"
    if days <= 6:
        return "This week"
    if days <= 30:
        return "Next 30 days"
    return "Next 90 days"


def group_for_report(rows: Sequence[Deadline], today: date) -> list[AssigneeReport]:
    """Open deadlines due within 90 days, by assignee (unassigned last), then by section."""
    by_person: dict[str, dict[str, list[Deadline]]] = {}
    for deadline in rows:
        if deadline.status in ("done", "snoozed") or (deadline.due - today).days > HORIZON:
            continue
        person = deadline.assignee or UNASSIGNED
        sections = by_person.setdefault(person, {t: [] for t in SECTION_TITLES})
        sections[_section_of(deadline, today)].append(deadline)
    order = sorted(by_person, key=lambda name: (name == UNASSIGNED, name.casefold()))
    return [
        AssigneeReport(
            assignee=name,
            sections=[Section(t, sorted(by_person[name][t], key=_order)) for t in SECTION_TITLES],
        )
        for name in order
    ]


def _order(deadline: Deadline) -> tuple[date, int, str]:
    return (deadline.due, deadline.matter_id, deadline.id)


def _when(deadline: Deadline, today: date) -> str:
    days = (deadline.due - today).days
    if days < 0:
        return _("{n} days late").format(n=-days)
    if days == 0:
        return _("today")
    if days == 1:
        return _("tomorrow")
    return _("in {n} days").format(n=days)


def _fill_table(table: Any, rows: list[list[str]]) -> None:
    """Write cell texts row by row (python-docx's cell lookups are slow on long tables)."""
    for tr, values in zip(table.rows, rows, strict=True):
        for tc, value in zip(tr.cells, values, strict=True):
            tc.text = docx_text(value)


def _table(document: Any, deadlines_: list[Deadline], today: date, max_rows: int) -> int:
    shown = deadlines_[:max_rows]
    table = document.add_table(rows=len(shown) + 1, cols=len(_COLUMNS))
    table.style = "Table Grid"
    rows = [[_(c) for c in _COLUMNS]]
    for d in shown:
        what = d.message + (f": {d.text}" if d.text else "")
        if d.policy_status in ("paused", "ended"):
            what += " " + _("[program {status}]").format(status=d.policy_status)
        rows.append([d.due.isoformat(), _when(d, today), what, d.client, str(d.matter_id), d.why])
    _fill_table(table, rows)
    from docx.shared import Cm

    for column, width in zip(table.columns, _WIDTHS_CM, strict=True):
        for tc in column.cells:
            tc.width = Cm(width)
    for tc in table.rows[0].cells:
        for run in tc.paragraphs[0].runs:
            run.bold = True
    return len(deadlines_) - len(shown)


def build_report(
    groups: list[AssigneeReport],
    *,
    today: date,
    generated: str,
    snoozed: int,
    policy_notes: list[str],
    max_rows: int = MAX_ROWS,
) -> tuple[bytes, bool]:
    """The .docx bytes, and whether any section was cut at `max_rows` lines."""
    # python-docx is imported here, not at start-up: every command line run would pay for it.
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    document.styles["Normal"].font.size = Pt(9)
    document.add_heading(_("Deadline report"), level=0)
    document.add_paragraph(
        _(
            "Week of {day}. Generated {when}. Open deadlines due within {n} days, by assignee."
        ).format(day=today.isoformat(), when=generated, n=HORIZON)
    )
    for note in policy_notes:
        document.add_paragraph(docx_text(note), style="Intense Quote")
    summary = document.add_table(rows=len(groups) + 2, cols=5)
    summary.style = "Table Grid"
    totals = [sum(g.count(t) for g in groups) for t in SECTION_TITLES]
    _fill_table(
        summary,
        [[_("Assignee"), *(_(t) for t in SECTION_TITLES)]]
        + [[g.assignee, *(str(g.count(t)) for t in SECTION_TITLES)] for g in groups]
        + [[_("All"), *map(str, totals)]],
    )
    if snoozed:
        document.add_paragraph(
            _("{n} snoozed deadline(s) are left out until their snooze date.").format(n=snoozed)
        )
    if not groups:
        document.add_paragraph(_("Nothing is due in the next {n} days.").format(n=HORIZON))
    truncated = False
    for group in groups:
        document.add_page_break()  # type: ignore[no-untyped-call]
        document.add_heading(docx_text(group.assignee), level=1)
        for part in group.sections:
            document.add_heading(f"{_(part.title)} ({len(part.deadlines)})", level=2)
            if not part.deadlines:
                document.add_paragraph(_("Nothing."))
                continue
            left_out = _table(document, part.deadlines, today, max_rows)
            if left_out:
                truncated = True
                document.add_paragraph(
                    _("… and {n} more; 'clinic-app deadlines' lists them all.").format(n=left_out)
                )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue(), truncated


def deadline_report(
    vault: Vault,
    *,
    out: Path,
    today: date,
    assignee_id: int | None = None,
    max_rows: int = MAX_ROWS,
) -> ReportSummary:
    """Write the weekly deadline report: per assignee, overdue, this week, next 30 and 90 days."""
    rows = deadlines.list_deadlines(vault, today=today, within=HORIZON, assignee_id=assignee_id)
    everything_open = deadlines.dashboard(
        vault, today=today, within=HORIZON, assignee_id=assignee_id, limit=1
    )
    groups = group_for_report(rows, today)
    book = deadlines.rulebook(vault)
    notes = []
    for program in sorted({d.program for d in rows}):
        policy = book.policy_on(program, today)
        if policy is not None and policy.status in ("paused", "ended"):
            count = sum(1 for d in rows if d.program == program)
            notes.append(
                _(
                    "Policy: the {program} program is {status} since {since} ({summary}). "
                    "{count} of the deadlines below are under it."
                ).format(
                    program=program,
                    status=policy.status,
                    since=policy.on.isoformat(),
                    summary=policy.summary.rstrip("."),
                    count=count,
                )
            )
    # A pack past its review date is named at the top: its dates may rest on changed rules.
    notes += [s.line for s in rule_status.stale_in(book, today)]
    data, truncated = build_report(
        groups,
        today=today,
        generated=now().strftime("%Y-%m-%d %H:%M UTC"),
        snoozed=everything_open.counts["snoozed"],
        policy_notes=notes,
        max_rows=max_rows,
    )
    atomic_write(Path(out), data)
    counts = [sum(g.count(t) for g in groups) for t in SECTION_TITLES]
    with vault.session() as session:
        audit.record(
            session,
            action="export_report",
            record_kind="deadline",
            summary=f"deadline report, {sum(counts)} deadlines, {len(groups)} assignees",
        )
    return ReportSummary(
        path=Path(out),
        week_start=today,
        assignees=len(groups),
        overdue=counts[0],
        this_week=counts[1],
        next_30=counts[2],
        next_90=counts[3],
        snoozed=everything_open.counts["snoozed"],
        truncated=truncated,
    )


__all__ = ["MAX_ROWS", "ReportSummary", "deadline_report", "group_for_report"]
