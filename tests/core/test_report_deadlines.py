"""The weekly deadline report (.docx): read back with python-docx, and printed to PDF."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from clinic_app.services import clients, documents, matters, reports, staff
from clinic_app.services import deadlines as dl
from clinic_app.services.vault_ops import Vault
from tests.core import queue_vault

TODAY = date(2026, 1, 15)
CLINIC = "Worker Justice Legal Clinic"


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


def test_the_report_follows_the_queue_by_assignee(vault: Vault, tmp_path: Path) -> None:
    rosa = staff.add_staff(vault, name="Rosa").record
    juan = staff.add_staff(vault, name="Juan").record
    _granted(vault, "Ana", "López", "2026-01-10", rosa.id)  # ended, still working: hard stop
    _granted(vault, "Luis", "Pérez", "2026-01-19", rosa.id)  # this week: hard stop too
    _granted(vault, "Mei", "Chen", "2026-02-10", juan.id)  # within 30 days
    _granted(vault, "Omar", "Saleh", "2026-04-01", None)  # within 90 days, unassigned
    _granted(vault, "Far", "Away", "2029-01-01", juan.id)  # beyond 90 days (targets aside)
    out = tmp_path / "weekly.docx"
    summary = reports.deadline_report(vault, out=out, today=TODAY)
    headings, tables, paragraphs = _texts(out)
    assert "Deadline report" in headings
    people = [h for h in headings if h in ("Juan", "Rosa", "Unassigned")]
    assert people == ["Juan", "Rosa", "Unassigned"]
    assert tables[0][0] == [
        "Assignee",
        "Needs action now",
        "This week",
        "Next 30 days",
        "Next 90 days",
        "Stale",
    ]
    rows = {r[0]: r[1:] for r in tables[0][1:]}
    assert int(rows["Rosa"][0]) >= 2  # both work permits at their hard stop, and more
    assert rows["All"] == [
        str(sum(int(rows[p][i]) for p in ("Juan", "Rosa", "Unassigned"))) for i in range(5)
    ]
    # Rosa's page starts with the tier that hurts first; a grant end on the permit's day is one row.
    rosa_at = headings.index("Rosa")
    assert headings[rosa_at + 1].endswith("Work permit at its hard stop (2)")
    lines = [row for table in tables[1:] for row in table[1:]]
    whats = [row[2] for row in lines]
    # Ended before the report's day: said in the past, never as still to come.
    assert "Deferred action and work permit ended 2026-01-10" in whats
    assert "Deferred action and work permit end 2026-01-19" in whats
    assert not any(w == "Deferred action ends" for w in whats)
    assert "Far Away" not in {row[3] for row in lines}
    assert any("days late" in row[1] for row in lines)
    # The policy banner once, no per-row "[program paused]".
    assert sum(p.startswith("Policy:") for p in paragraphs) == 1
    assert not any("[program" in cell for row in lines for cell in row)
    assert (summary.assignees, summary.overdue) == (
        3,
        sum(int(rows[p][0]) for p in rows if p != "All"),
    )
    assert not summary.truncated


def test_long_tiers_are_cut_with_a_note(vault: Vault, tmp_path: Path) -> None:
    for i in range(5):
        _granted(vault, f"Worker{i}", "Test", "2026-01-08", None)
    out = tmp_path / "cut.docx"
    summary = reports.deadline_report(vault, out=out, today=TODAY, max_rows=3)
    assert summary.truncated
    _headings, tables, paragraphs = _texts(out)
    assert len(tables[1]) == 4  # header + 3
    assert any(p.startswith("… and 2 more") for p in paragraphs)


def test_an_empty_vault_gives_a_short_report(vault: Vault, tmp_path: Path) -> None:
    out = tmp_path / "empty.docx"
    summary = reports.deadline_report(vault, out=out, today=TODAY)
    assert summary.assignees == 0
    _headings, _tables, paragraphs = _texts(out)
    assert any("Nothing is due" in p for p in paragraphs)


def test_snoozed_and_done_deadlines_are_left_out(vault: Vault, tmp_path: Path) -> None:
    _granted(vault, "Ana", "López", "2026-03-20", None)
    found = dl.list_deadlines(vault, today=TODAY, within=90)
    dl.mark_done(vault, ref=found[0].id, today=TODAY)
    dl.snooze(vault, ref=found[1].id, until="2026-02-01", today=TODAY)
    out = tmp_path / "marks.docx"
    summary = reports.deadline_report(vault, out=out, today=TODAY)
    assert summary.snoozed == 1
    _headings, tables, paragraphs = _texts(out)
    shown = [row for t in tables[1:] for row in t[1:]]
    assert found[0].due.isoformat() not in {r[0] for r in shown if r[2] == found[0].message}
    assert any("1 snoozed deadline" in p for p in paragraphs)


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip(
            "LibreOffice is not installed: scripts/setup.sh installs libreoffice-writer-nogui"
        )
    return found


def test_the_printed_report_has_one_page_per_assignee_with_header_and_footer(
    vault: Vault, tmp_path: Path
) -> None:
    """A normal week printed through LibreOffice: portrait pages, every one with its footer."""
    documents.set_clinic_details(vault, values={"name": CLINIC})
    queue_vault.build(vault, today=TODAY, overdue=6)  # Dana Rivera's items, 100 letter workers
    juan = staff.add_staff(vault, name="Juan").record.id
    for n, end in enumerate(("2026-01-30", "2026-02-20", "2026-03-30")):
        _granted(vault, f"Worker{n}", "Juan", end, juan)
    out = tmp_path / "weekly.docx"
    reports.deadline_report(vault, out=out, today=TODAY)
    document = Document(str(out))
    section = document.sections[0]
    assert section.page_width < section.page_height  # portrait
    assert "w:tblHeader" in document.tables[1].rows[0]._tr.xml  # header row repeats
    # Print it: LibreOffice with a profile of its own (never the person's), PDF kept in tmp_path.
    profile = tmp_path / "lo-profile"
    run = subprocess.run(
        [
            _soffice(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        capture_output=True,
        timeout=240,
        check=False,
        env=os.environ | {"HOME": str(tmp_path)},
    )
    pdf = tmp_path / "weekly.pdf"
    assert run.returncode == 0 and pdf.is_file(), run.stderr.decode(errors="replace")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    # The summary, then one page for each of the two assignees.
    assert len(pages) == 3, [p[:200] for p in pages]
    for number, page in enumerate(pages, start=1):
        flat = re.sub(r"\s+", " ", page)
        assert "Confidential — client information" in flat
        assert f"Page {number} of 3" in flat
        assert CLINIC in flat
    flat = re.sub(r"\s+", " ", text)
    assert flat.count("Policy:") == 1
    assert "(34 workers)" in flat and "days late" in flat
    assert "Riverbend Meat Packers (34 workers)" in flat
    # Letter items say their period, never how many days "late" a 2024 period is.
    for line in text.splitlines():
        if "workers)" in line:
            assert "late" not in line
