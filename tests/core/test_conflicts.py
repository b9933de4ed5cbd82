"""The conflict check: quality on the labelled pairs, the database prefilter, decisions and review."""

from __future__ import annotations

import csv
import tomllib
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import event as sql_event
from sqlalchemy import text

from bench.conflicts import PAIRS, evaluate, load_pairs
from clinic_app.conflicts import Person, score_person
from clinic_app.conflicts import names as nm
from clinic_app.errors import UserError, ValidationError
from clinic_app.resources import resource_path
from clinic_app.services import audit_log, clients, conflicts, employers, importing
from clinic_app.services.vault_ops import Vault

HARD_FORMS = {
    "accents_and_case",
    "one_of_two_surnames",
    "surnames_reordered",
    "hyphenated_surnames",
    "initials",
    "given_name_variant",
    "transliteration",
    "name_order",
    "one_word_name",
    "typo",
    "dob_day_month_swapped",
    "a_number_any_spelling",
    "same_phone",
    "other_name_used",
}
LOOK_ALIKES = {
    "shared_surname",
    "sibling_same_phone",
    "masculine_feminine_pair",
    "same_name_different_person",
    "look_alike_surname",
    "different_second_surname",
}


def test_labelled_pairs_cover_every_hard_form() -> None:
    with PAIRS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 300
    labels = Counter((r["form"], r["label"]) for r in rows)
    for form in HARD_FORMS:
        assert labels[(form, "match")] >= 5, form
    for form in LOOK_ALIKES:
        assert labels[(form, "non_match")] >= 10, form


def test_recall_and_precision_at_the_default_threshold() -> None:
    figures = evaluate(load_pairs())
    assert figures["recall"] >= 0.95, figures
    assert figures["precision"] >= 0.90, figures


def test_variant_table_is_data_with_a_source_and_no_name_in_two_groups() -> None:
    data = tomllib.loads(resource_path("names", "variants.toml").read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    for number, group in enumerate(data["group"]):
        assert group["source"] in {"hypocorisms", "romanization", "spelling"}
        for name in group["names"]:
            for token in nm.tokens(name):
                assert seen.setdefault(token, number) == number, f"{name} is in two groups"
    assert nm.variants().same_group("pepe", "jose")
    assert not nm.variants().same_group("francisco", "francisca")


def test_reasons_say_why_in_words() -> None:
    existing = Person("María José", "Pérez García", date_of_birth=None)
    scored = score_person(Person("M. J.", "Garcia"), existing)
    assert "surname Pérez García matches 'Garcia'" in scored.reasons
    assert "initial M fits Maria" in scored.reasons
    pepe = score_person(Person("Pepe", "Perez"), Person("José", "Pérez"))
    assert any("Jose ~ Pepe" in r for r in pepe.reasons), pepe.reasons
    mario = score_person(Person("Mario", "Perez"), Person("María", "Pérez"))
    assert mario.score < conflicts.engine.THRESHOLD


def _maria(vault: Vault) -> int:
    return clients.add_client(
        vault,
        first_name="María José",
        last_name="Pérez García",
        date_of_birth="1990-03-04",
        phone="(555) 010-4477",
    ).record.id


def test_day_month_swapped_dob_finds_her_first_with_reasons(vault: Vault) -> None:
    maria = _maria(vault)
    clients.add_client(
        vault, first_name="María", last_name="Pérez López", date_of_birth="1971-10-02"
    )
    clients.add_client(vault, first_name="Mario", last_name="Pérez García")
    query = conflicts.person_query(
        first_name="Maria", last_name="Perez", date_of_birth="1990-04-03"
    )
    found = conflicts.check_person(vault, query)
    assert found[0].record_id == maria and found[0].kind == "same_person"
    assert "date of birth with day and month swapped (1990-03-04 ~ 1990-04-03)" in found[0].reasons
    assert all(m.name != "Mario Pérez García" for m in found)


def test_keys_follow_add_edit_delete_and_import(vault: Vault, tmp_path: Path) -> None:
    maria = _maria(vault)
    query = conflicts.person_query(first_name="Lupe", last_name="Xoj")
    assert conflicts.check_person(vault, query) == []
    clients.update_client(vault, client_id=maria, first_name="Guadalupe", last_name="Xoj")
    assert [m.record_id for m in conflicts.check_person(vault, query)] == [maria]
    clients.delete_client(vault, client_id=maria)
    assert conflicts.check_person(vault, query) == []
    with vault.reader() as session:
        left = session.connection().execute(text("SELECT count(*) FROM conflict_key")).scalar()
    assert left == 0
    sheet = tmp_path / "new.csv"
    sheet.write_text(
        "first_name,last_name,date_of_birth,employer\nGuadalupe,Xoj Tzul,1988-05-06,Acme Farms\n",
        encoding="utf-8",
    )
    assert importing.import_file(vault, path=sheet).ok
    found = conflicts.check_person(vault, query)
    assert [m.name for m in found] == ["Guadalupe Xoj Tzul"]


def test_import_dry_run_reports_possible_duplicates(vault: Vault, tmp_path: Path) -> None:
    maria = _maria(vault)
    sheet = tmp_path / "rows.csv"
    sheet.write_text(
        "first_name,last_name,date_of_birth,employer\n"
        "Maria,Perez,04/03/1990,Acme Farms\n"
        "Tomasa,Ajpop,1979-01-01,Acme Farms\n",
        encoding="utf-8",
    )
    report = importing.import_file(vault, path=sheet, dry_run=True)
    assert report.ok
    assert len(report.possible_duplicates) == 1
    line = report.possible_duplicates[0]
    assert line.startswith(f"row 2: may be client {maria}") and "swapped" in line


def test_adverse_party_and_employer_conflicts(vault: Vault) -> None:
    employer = employers.add_employer(vault, name="Sánchez Díaz Farms LLC").record
    dispute = employers.add_dispute(vault, employer_id=employer.id, agency="OSHA").record
    party = conflicts.add_party(
        vault, name="Roberto Sánchez Díaz", role="owner", dispute_id=dispute.id
    ).record
    assert party.employer_id == employer.id
    found = conflicts.check_person(
        vault, conflicts.person_query(first_name="Roberto", last_name="Sanchez Diaz")
    )
    kinds = {(m.record_kind, m.kind) for m in found}
    assert ("party", "adverse_party") in kinds
    assert found[0].record_kind == "party"
    client = clients.add_client(vault, first_name="Juan", last_name="Ramírez").record
    same_name = conflicts.check_employer(vault, name="Juan Ramirez Construction Inc.")
    assert [(m.record_id, m.kind) for m in same_name] == [(client.id, "employer")]
    assert conflicts.check_employer(vault, name="Ramirez Landscaping") == []
    duplicate = conflicts.check_employer(vault, name="Sanchez Diaz Farms")
    assert (duplicate[0].record_id, duplicate[0].kind) == (employer.id, "same_person")
    # A client named on the employer's side of a matter being opened.
    worker = clients.add_client(vault, first_name="Ana", last_name="Cux").record
    owner_client = clients.add_client(vault, first_name="Roberto", last_name="Sánchez").record
    on_matter = conflicts.check_matter(vault, client_id=worker.id, employer_id=employer.id)
    assert owner_client.id in {m.record_id for m in on_matter if m.kind == "adverse_party"}


def test_decisions_are_kept_and_audited_without_names(vault: Vault) -> None:
    maria = _maria(vault)
    query = conflicts.person_query(first_name="Maria", last_name="Perez")
    found = conflicts.check_person(vault, query)
    check_id = conflicts.record_decision(
        vault,
        subject_kind="client",
        decision="refer_attorney",
        matches=found,
        query=query.as_json(),
        subject_id=None,
    ).record
    waiting = conflicts.pending_reviews(vault)
    assert [w.id for w in waiting] == [check_id]
    assert waiting[0].query["first_name"] == "Maria"
    assert waiting[0].candidates[0]["record_id"] == maria
    conflicts.review(vault, check_id=check_id, outcome="conflict", note="declined")
    assert conflicts.pending_reviews(vault) == []
    with pytest.raises(UserError):
        conflicts.review(vault, check_id=check_id, outcome="cleared")
    events = audit_log.list_events(vault, limit=5)
    decision = next(e for e in events if e.action == "conflict_decision")
    assert (
        decision.summary
        == f"decision: refer_attorney; candidates shown: client {maria} ({found[0].score})"
    )
    for event in events:
        assert "Mar" not in event.summary and "rez" not in event.summary
    with pytest.raises(ValidationError):
        conflicts.record_decision(
            vault, subject_kind="client", decision="maybe", matches=[], query={}
        )


@pytest.mark.vault_only  # the vault's own files
def test_upgrading_an_older_vault_computes_the_keys_of_its_records(vault: Vault) -> None:
    from alembic import command

    from clinic_app.vault import migrate

    maria = _maria(vault)
    employer = employers.add_employer(vault, name="Sánchez Díaz Farms LLC").record
    cfg = migrate.alembic_config()
    with vault.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004")  # before the conflict check existed
    with vault.engine.begin() as conn:
        assert "conflict_key" not in {
            r[0] for r in conn.execute(text("SELECT name FROM sqlite_master")).all()
        }
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    vault.engine.dispose()
    query = conflicts.person_query(
        first_name="Maria", last_name="Perez", date_of_birth="1990-04-03"
    )
    assert [m.record_id for m in conflicts.check_person(vault, query)] == [maria]
    found = conflicts.check_employer(vault, name="Sanchez Diaz Farms")
    assert [m.record_id for m in found] == [employer.id]


def _statements(vault: Vault) -> tuple[list[str], Callable[..., None]]:
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    return seen, record


def test_an_import_reads_each_key_count_and_candidate_once(
    vault: Vault, tmp_path: Path
) -> None:
    """A spreadsheet's rows are checked against records that do not change meanwhile: twenty
    rows with the same name look up its keys and read its candidates once, and each row still
    finds every client a check of its own finds."""
    same_name = [
        clients.add_client(
            vault, first_name="Juan", last_name="García", date_of_birth=f"19{70 + i}-05-06"
        ).record.id
        for i in range(5)
    ]
    maria = _maria(vault)
    sheet = tmp_path / "rows.csv"
    body = "Juan,Garcia,,Acme Farms\n" * 20
    sheet.write_text(
        "first_name,last_name,date_of_birth,employer\n"
        + body
        + "Maria Jose,Perez,1990-04-03,Acme Farms\n",
        encoding="utf-8",
    )
    seen, record = _statements(vault)
    checked: list[tuple[int, int]] = []
    written: list[tuple[int, int]] = []
    sql_event.listen(vault.engine, "before_cursor_execute", record)
    try:
        report = importing.import_file(
            vault,
            path=sheet,
            dry_run=True,
            checking=lambda done, total: checked.append((done, total)) or None,
            progress=lambda done, total: written.append((done, total)) or None,
        )
    finally:
        sql_event.remove(vault.engine, "before_cursor_execute", record)
    assert report.ok
    counts = [s for s in seen if "count(*) FROM conflict_key" in s or "key_counts(" in s]
    reads = [s for s in seen if "FROM client WHERE id IN" in s]
    # One look-up of every row's keys; one read of candidates (María José Pérez García shares
    # the surname, so she came with the first row's).
    assert (len(counts), len(reads)) == (1, 1)
    by_row: dict[int, set[int]] = {}
    for line in report.possible_duplicates:
        row, rest = line.split(": may be client ")
        by_row.setdefault(int(row.removeprefix("row ")), set()).add(int(rest.split()[0]))
    assert by_row[2] == set(same_name) and by_row[22] == {maria}
    alone = conflicts.check_person(
        vault, conflicts.person_query(first_name="Juan", last_name="Garcia")
    )
    assert {m.record_id for m in alone} == by_row[2]
    # The check is followed to its end before any row is written.
    assert checked[0] == (0, 21) and checked[-1] == (21, 21)
    assert written and written[-1] == (21, 21)


def test_an_import_stopped_during_its_conflict_check_writes_nothing(
    vault: Vault, tmp_path: Path
) -> None:
    """The desktop's Cancel stops work at its next progress report: one raised while the new
    workers are being checked leaves the vault as it was."""
    from tests.core.helpers import big_csv

    _maria(vault)
    sheet = big_csv(tmp_path / "workers.csv", 120)

    class Stop(Exception):
        pass

    def checking(done: int, total: int) -> None:
        if 0 < done < total:
            raise Stop

    with pytest.raises(Stop):
        importing.import_file(vault, path=sheet, checking=checking)
    assert clients.count_clients(vault) == 1
    assert importing.import_file(vault, path=sheet).ok
    assert clients.count_clients(vault) == 121
