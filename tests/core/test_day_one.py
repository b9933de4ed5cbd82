"""What a paralegal hit on day one, in the core: semicolon CSVs, the import's assignee column,
searching by the last digits of an A-number and by a receipt number typed with spaces."""

from __future__ import annotations

from pathlib import Path

from clinic_app.services import clients, employers, importing, matters, staff
from clinic_app.services.vault_ops import Vault
from tests.core.helpers import dump_tables

HEADER = "first_name;last_name;employer;matter_kind;filed_date;notes;assignee"


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_semicolon_csv_from_spanish_excel_is_read(vault: Vault, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "es.csv",
        [
            HEADER,
            "José;Pérez Núñez;Granja, S.A.;initial;01/15/2026;Llamar después de las 6, gracias;",
        ],
    )
    report = importing.import_file(vault, path=path)
    assert report.ok, report.problems
    [row] = clients.list_clients(vault)
    assert (row.first_name, row.last_name, row.employer) == ("José", "Pérez Núñez", "Granja, S.A.")


def test_assignee_column_names_staff_and_adds_the_missing_with_a_warning(
    vault: Vault, tmp_path: Path
) -> None:
    staff.add_staff(vault, name="Dana Rivera", role="attorney")
    path = _write(
        tmp_path / "a.csv",
        [
            HEADER,
            "Ana;López;Acme Farms;initial;;;dana rivera",
            "Luis;Mora;Acme Farms;initial;;;Rosa Peña",
            "Eva;Cruz;Acme Farms;renewal;;;Rosa Peña",
            "Juan;Soto;Acme Farms;initial;;;",
        ],
    )
    dry = importing.import_file(vault, path=path, dry_run=True)
    assert dry.ok and [s.name for s in staff.list_staff(vault)] == ["Dana Rivera"]
    report = importing.import_file(vault, path=path)
    assert report.ok, report.problems
    assert report.warnings == [
        "row 3: 'Rosa Peña' was not on the staff list; added as a paralegal "
        "(change the role if they sign off packets)"
    ]
    added = staff.find_staff(vault, name="rosa peña")
    assert added is not None and added.role == "paralegal"
    assigned = {m.client_name: m.assigned_to for m in matters.list_matters(vault)}
    assert assigned == {
        "Ana López": "Dana Rivera",
        "Luis Mora": "Rosa Peña",
        "Eva Cruz": "Rosa Peña",
        "Juan Soto": "",
    }


def test_a_bad_assignee_is_a_row_problem_and_nothing_is_written(
    vault: Vault, tmp_path: Path
) -> None:
    before = dump_tables(vault)
    path = _write(tmp_path / "b.csv", [HEADER, "Ana;López;Acme Farms;initial;;;Rosa\u202ePeña"])
    report = importing.import_file(vault, path=path)
    assert [(p.row, p.column) for p in report.problems] == [(2, "assignee")]
    assert dump_tables(vault) == before


def test_search_by_the_last_digits_of_an_a_number(vault: Vault) -> None:
    ana = clients.add_client(vault, first_name="Ana", last_name="López", a_number="A012345678")
    clients.add_client(vault, first_name="Eva", last_name="Cruz", a_number="A567800001")
    for tail in ("5678", "45678", "345678", "34-5678"):
        assert [c.id for c in clients.list_clients(vault, search_text=tail)] == [ana.record.id]
    # Only the end: Eva's A-number starts with 5678, and she is not who was asked for.
    assert [c.id for c in clients.list_clients(vault, search_text="5678")] == [ana.record.id]
    assert clients.list_clients(vault, search_text="9999") == []


def test_search_by_a_receipt_number_typed_with_spaces(vault: Vault) -> None:
    ana = clients.add_client(vault, first_name="Ana", last_name="López").record
    employer = employers.add_employer(vault, name="Acme Farms").record
    matter = matters.add_matter(vault, client_id=ana.id, employer_id=employer.id).record
    matters.update_matter(vault, matter_id=matter.id, receipt_number="IOE0123456789")
    for typed in ("IOE 0123 456 789", "ioe-0123456789", "IOE0123456789"):
        assert [c.id for c in clients.list_clients(vault, search_text=typed)] == [ana.id], typed
