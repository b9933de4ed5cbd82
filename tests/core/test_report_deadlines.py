"""The weekly deadline report (.docx), read back with python-docx."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from docx import Document

from clinic_app.services import clients, matters, reports, staff
from clinic_app.services import deadlines as dl
from clinic_app.services.vault_ops import Vault

TODAY = date(2026, 1, 15)


def _granted(vault: Vault, first: str, last: str, end: str, staff_id: int | None) -> int:
    client = clients.add_client(vault, first_name=first, last_name=last).record
    matter = matters.add_matter(
        vault, client_id=client.id, decision="granted", assigned_staff_id=staff_id
    ).record
    for kind in ("deferred_action", "work_permit"):
        matters.add_grant(vault, matter_id=matter.id, kind=kind, start="2024-01-01", end=end)
    return matter.id


def _texts(path: Path) -> tuple[list[str], list[list[list[str]]], list[str]]:
    document = Document(str(path))
    headings = [
        p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    paragraphs = [p.text for p in document.paragraphs]
    return headings, tables, paragraphs


def test_the_report_groups_by_assignee_and_section(vault: Vault, tmp_path: Path) -> None:
    rosa = staff.add_staff(vault, name="Rosa").record
    juan = staff.add_staff(vault, name="Juan").record
    _granted(vault, "Ana", "López", "2026-01-10", rosa.id)  # ended: overdue
    _granted(vault, "Luis", "Pérez", "2026-01-19", rosa.id)  # this week
    _granted(vault, "Mei", "Chen", "2026-02-10", juan.id)  # within 30 days
    _granted(vault, "Omar", "Saleh", "2026-04-01", None)  # within 90 days, unassigned
    _granted(vault, "Far", "Away", "2029-01-01", juan.id)  # beyond 90 days (targets aside)
    out = tmp_path / "weekly.docx"
    summary = reports.deadline_report(vault, out=out, today=TODAY)
    headings, tables, paragraphs = _texts(out)
    assert "Deadline report" in headings
    # Assignees in order, the unassigned last.
    people = [h for h in headings if h in ("Juan", "Rosa", "Unassigned")]
    assert people == ["Juan", "Rosa", "Unassigned"]
    assert any(h.startswith("Overdue (") for h in headings)
    summary_table = tables[0]
    assert summary_table[0] == ["Assignee", "Overdue", "This week", "Next 30 days", "Next 90 days"]
    rows = {r[0]: r[1:] for r in summary_table[1:]}
    assert rows["Rosa"][0] != "0" and rows["Rosa"][1] != "0"
    assert rows["Juan"][2] != "0"
    assert rows["Unassigned"][3] != "0"
    assert rows["All"] == [
        str(sum(int(rows[p][i]) for p in ("Juan", "Rosa", "Unassigned"))) for i in range(4)
    ]
    lines = [row for table in tables[1:] for row in table[1:]]
    clients_named = {row[3] for row in lines}
    assert {"Ana López", "Luis Pérez", "Mei Chen", "Omar Saleh"} <= clients_named
    assert "Far Away" not in clients_named  # nothing of theirs is due within 90 days
    assert all(row[5] for row in lines), "every line says why"
    assert any("days late" in row[1] for row in lines)
    assert any("paused" in p for p in paragraphs), "the program's policy status is shown"
    assert (summary.overdue, summary.assignees) == (
        sum(int(rows[p][0]) for p in ("Juan", "Rosa", "Unassigned")),
        3,
    )
    assert not summary.truncated


def test_long_sections_are_cut_with_a_note(vault: Vault, tmp_path: Path) -> None:
    for i in range(5):
        _granted(vault, f"Worker{i}", "Test", "2025-12-01", None)
    out = tmp_path / "cut.docx"
    summary = reports.deadline_report(vault, out=out, today=TODAY, max_rows=3)
    assert summary.truncated
    _headings, tables, paragraphs = _texts(out)
    overdue_table = tables[1]
    assert len(overdue_table) == 4  # header + 3
    assert any(p.startswith("… and 7 more") for p in paragraphs)


def test_an_empty_vault_gives_a_short_report(vault: Vault, tmp_path: Path) -> None:
    out = tmp_path / "empty.docx"
    summary = reports.deadline_report(vault, out=out, today=TODAY)
    assert summary.assignees == 0
    _headings, _tables, paragraphs = _texts(out)
    assert any("Nothing is due" in p for p in paragraphs)


def test_snoozed_and_done_deadlines_are_left_out(vault: Vault, tmp_path: Path) -> None:
    _granted(vault, "Ana", "López", "2026-01-20", None)
    found = dl.list_deadlines(vault, today=TODAY)
    dl.mark_done(vault, ref=found[0].id, today=TODAY)
    dl.snooze(vault, ref=found[1].id, until="2026-02-01", today=TODAY)
    out = tmp_path / "marks.docx"
    summary = reports.deadline_report(vault, out=out, today=TODAY)
    assert summary.snoozed == 1
    _headings, tables, paragraphs = _texts(out)
    ids_shown = sum(len(t) - 1 for t in tables[1:])
    assert ids_shown == len(found) - 2
    assert any("1 snoozed" in p for p in paragraphs)
