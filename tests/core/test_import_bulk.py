"""The bulk import writes what the records imply: deadlines, audit chain, search and conflict keys
equal to computing them again from scratch, on both stores."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from clinic_app import search
from clinic_app.deadlines import sync as deadline_sync
from clinic_app.deadlines.models import Deadline
from clinic_app.domain.models import AuditEvent, Client, Grant, Matter, Note
from clinic_app.services import check, clients, importing
from clinic_app.services.changes import CLIENT, GRANT, MATTER, NOTE
from tests.conftest import SAMPLE_CSV
from tests.core.helpers import big_csv


def deadline_rows(vault: Any) -> list[tuple[object, ...]]:
    table: Any = Deadline.__table__  # type: ignore[attr-defined]
    columns = [c for c in table.c if c.name != "id"]
    with vault.reader() as session:
        rows = session.connection().execute(select(*columns)).all()
    return sorted((tuple(r) for r in rows), key=repr)


def conflict_keys(vault: Any) -> list[tuple[object, ...]]:
    with vault.reader() as session:
        found = session.connection().execute(
            text("SELECT key, record_kind, record_id FROM conflict_key")
        )
        return sorted(tuple(r) for r in found)


def searches(vault: Any, words: list[str]) -> list[list[int]]:
    return [[c.id for c in clients.list_clients(vault, search_text=w, limit=500)] for w in words]


def test_bulk_import_equals_computing_everything_again(vault: Any, tmp_path: Path) -> None:
    # A vault with records already, then a file that repeats some of them and adds many.
    assert importing.import_file(vault, path=SAMPLE_CSV).ok
    clients.add_client(vault, first_name="Worker3", last_name="Apellido3", a_number="A300000003")
    report = importing.import_file(vault, path=big_csv(tmp_path / "big.csv", 600))
    assert report.ok, report.problems
    assert report.created[CLIENT] == 599 and report.created[MATTER] == 600
    words = ["Worker1", "Apellido59", "Employer 3", "IOE5000000042", "300000007", "Brenda"]
    found = searches(vault, words)
    assert all(found), found
    deadlines_after_import = deadline_rows(vault)
    keys_after_import = conflict_keys(vault)
    assert deadlines_after_import and keys_after_import

    # One audit event per created record, every one of them, chained (clinic-app check).
    assert check.check_vault(vault).ok
    with vault.reader() as session:
        conn = session.connection()
        events = select(AuditEvent.record_kind).where(AuditEvent.action == "create")  # type: ignore[arg-type]
        creates = Counter(kind for (kind,) in conn.execute(events))
        counts = {
            kind: len(conn.execute(select(model.id)).all())  # type: ignore[attr-defined]
            for kind, model in ((CLIENT, Client), (MATTER, Matter), (GRANT, Grant), (NOTE, Note))
        }
    assert {k: creates[k] for k in counts} == counts

    # Deadlines, the search index and the conflict keys rebuilt from the records: no change.
    with vault.session() as session:
        deadline_sync.refresh(session.connection(), matter_ids=None)
        search.reindex_clients(session)
    assert deadline_rows(vault) == deadlines_after_import
    assert conflict_keys(vault) == keys_after_import
    assert searches(vault, words) == found


def test_parsed_client_fields_are_already_what_the_client_editor_stores(tmp_path: Path) -> None:
    # The writer skips cleaning the parsed fields again: cleaning them changes nothing.
    odd = tmp_path / "odd.csv"
    odd.write_text(
        "first_name,last_name,employer,a_number,preferred_language,state,email,date_of_birth\n"
        'José,Pérez,Acme,a-12-345-678,"Spanish, mam",texas,j@example.org,03/04/1990\n'
        "Ana,,Acme,012345679,zh-Hant,,,\n",
        encoding="utf-8",
    )
    for path in (SAMPLE_CSV, odd):
        report = importing.ImportReport()
        rows = importing.parse_file(path, report)
        assert rows and report.ok, report.problems
        for row in rows:
            assert clients.clean_fields(row.client) == row.client  # type: ignore[arg-type]
