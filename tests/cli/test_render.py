"""`clinic-app render`, `checklist`, `sign-off`, `clinic` and drafts, run as the console script on
both stores (a vault and the clinic server)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document

from clinic_app.documents.engine import read_text
from tests.cli.conftest import CliTarget, Run, assert_ok, assert_one_line_error, new_target, run_cli
from tests.conftest import SAMPLE_CSV

CLINIC_SETTINGS = [
    "name=Worker Justice Legal Clinic",
    r"address=200 Example Ave\nSpringfield, IL 62701",
    "phone=(555) 010-0100",
    "email=intake@clinic.example",
    "signer_name=Dana Rivera",
    "signer_title=Attorney at Law",
    r"uscis_address=P.O. Box 0000\nMontclair, CA 91763",
    "uscis_address_source=USCIS filing address page",
    "uscis_address_checked=2025-01-10",
]


@pytest.fixture(scope="module")
def clinic_vault(
    cli_store_kind: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CliTarget]:
    """A store filled with the sample spreadsheet, the clinic's details set and an attorney on
    the staff list (all through the CLI)."""
    with new_target(cli_store_kind, tmp_path_factory.mktemp("render"), request) as target:
        assert_ok(_cli(target, "import", SAMPLE_CSV))
        args: list[str] = []
        for setting in CLINIC_SETTINGS:
            args += ["--set", setting]
        run = assert_ok(_cli(target, "clinic", *args))
        assert "Saved 9 clinic settings." in run.stdout
        assert "last checked on 2025-01-10" in run.stdout
        assert_ok(_cli(target, "staff", "add", "Dana Rivera", "--role", "attorney"))
        yield target


def _cli(vault: CliTarget, *args: str | Path) -> Run:
    return run_cli(*vault.place, *args, env=vault.env)


def _letters(vault: CliTarget) -> list[dict[str, object]]:
    data: list[dict[str, object]] = assert_ok(_cli(vault, "letters", "--json")).json()
    return data


def test_render_a_letter_batch(clinic_vault: CliTarget, tmp_path: Path) -> None:
    letter = _letters(clinic_vault)[0]
    out = tmp_path / "out"
    run = assert_ok(
        _cli(
            clinic_vault,
            "render",
            "client-policy-change",
            "--letter",
            str(letter["id"]),
            "--out",
            out,
            "--today",
            "2026-01-15",
        )
    )
    assert f"Wrote {letter['matters']} documents to {out}." in run.stdout
    assert "plain .docx files" in run.stdout and "not encrypted" in run.stdout
    assert "--keep-in-vault" in run.stdout
    if clinic_vault.kind == "server":  # where the encrypted copies would go
        assert "copies on the clinic server instead with --keep-in-vault" in run.stdout
    with open(out / "index.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    files = sorted(p.name for p in out.glob("*.docx") if p.name != "index.docx")
    assert sorted(r["file"] for r in rows) == files and len(files) == letter["matters"]
    # Client letters: a neutral word and the language in the name, nothing about immigration.
    assert all(re.search(r"_update_2026-01-15_(en|es)\.docx$", name) for name in files), files
    spanish = [r for r in rows if r["language"] == "es"]
    assert spanish, rows
    text = "\n".join(read_text((out / spanish[0]["file"]).read_bytes()))
    assert "15 de enero de 2026" in text and "Estimado(a)" in text


def test_render_refuses_a_template_with_an_unknown_field(
    clinic_vault: CliTarget, tmp_path: Path
) -> None:
    document = Document()
    document.add_paragraph("Dear {{ client.first_name }}, {{ client.nickname }}")
    template = tmp_path / "mine.docx"
    document.save(str(template))
    out = tmp_path / "out"
    run = _cli(clinic_vault, "render", template, "--matter", "1", "--out", out)
    assert_one_line_error(run, 1, "client.nickname", "do not exist", "nothing was written")
    assert not out.exists()
    check = run_cli("template-check", template, env=clinic_vault.env)
    assert_one_line_error(check, 1, "client.nickname")


def test_render_one_matter_and_keep_a_copy_in_the_vault(
    clinic_vault: CliTarget, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run = assert_ok(
        _cli(
            clinic_vault,
            "render",
            "declaration",
            "--matter",
            "2",
            "--out",
            out,
            "--lang",
            "es",
            "--keep-in-vault",
            "--today",
            "2026-01-15",
            "--anyway",  # the imported matter is already decided
        )
    )
    [made] = list(out.iterdir())
    assert made.name == "Flores-Nájera_Brenda-Yaneth_declaration_2026-01-15_es.docx"
    assert "made anyway although matter 2 was already decided" in run.stdout
    assert f"Wrote {made}." in run.stdout
    where = "in the vault" if clinic_vault.kind == "vault" else "on the clinic server"
    assert f"Kept 1 encrypted copy {where}" in run.stdout
    drafts = assert_ok(_cli(clinic_vault, "drafts", "--matter", "2", "--json")).json()
    assert [d["filename"] for d in drafts] == [made.name]
    exported = tmp_path / "exported"
    exported.mkdir()
    assert_ok(_cli(clinic_vault, "draft-export", str(drafts[0]["id"]), "--out", exported))
    assert read_text((exported / made.name).read_bytes()) == read_text(made.read_bytes())


def test_render_usage_errors_are_one_line(clinic_vault: CliTarget, tmp_path: Path) -> None:
    run = _cli(clinic_vault, "render", "declaration", "--matter", "1")
    assert_one_line_error(run, 1, "--out", "--keep-in-vault")
    run = _cli(clinic_vault, "render", "nothing-like-it", "--matter", "1", "--out", tmp_path)
    assert_one_line_error(run, 1, "no template named 'nothing-like-it'")


def test_checklist_and_sign_off(clinic_vault: CliTarget) -> None:
    run = assert_ok(_cli(clinic_vault, "checklist", "3", "--json"))
    record = run.json()
    assert record["ready_to_file"] is False and set(record["outstanding"])
    sets: list[str] = []
    for item in record["items"]:
        if item["required"]:
            sets += [
                "--set",
                f"{item['key']}={'n/a' if item['key'] == 'translations' else 'received'}",
            ]
    run = assert_ok(_cli(clinic_vault, "checklist", "3", *sets))
    assert "not ready to file: complete; awaiting attorney sign-off." in run.stdout
    refused = _cli(clinic_vault, "sign-off", "3", "--by", "Nobody Here")
    assert_one_line_error(refused, 1, "no staff member")
    sign_off = ("sign-off", "3", "--by", "dana rivera", "--on", "2026-01-20")
    if clinic_vault.kind == "vault":  # a vault's audit names who --as says
        who, run = "reviewer", assert_ok(_cli(clinic_vault, "--as", "reviewer", *sign_off))
    else:  # the server's names the login, and refuses --as
        refused = _cli(clinic_vault, "--as", "reviewer", *sign_off)
        assert_one_line_error(refused, 1, "--as does not apply", "--user")
        who, run = clinic_vault.actor, assert_ok(_cli(clinic_vault, *sign_off))
    assert "Matter 3 signed off by Dana Rivera on 2026-01-20: ready to file" in run.stdout
    assert "READY TO FILE" in assert_ok(_cli(clinic_vault, "checklist", "3")).stdout
    events = assert_ok(_cli(clinic_vault, "audit", "--limit", "1", "--json")).json()
    assert events[0]["summary"] == "packet signed off by Dana Rivera (attorney) on 2026-01-20"
    assert events[0]["actor"] == who
    bad = _cli(clinic_vault, "checklist", "3", "--set", "g-28=lost")
    assert_one_line_error(bad, 1, "'lost' is not a checklist status")


def test_documents_not_made_are_counted_in_words_that_fit(
    clinic_vault: CliTarget, tmp_path: Path
) -> None:
    """A declaration is for a request not yet decided; the sample's matters are decided, so
    each worker's is refused with its reason, and the last line counts them as a person would
    (not 'N of N document(s) were not made; the others were')."""
    letter = _letters(clinic_vault)[0]
    out = tmp_path / "batch"
    run = _cli(
        clinic_vault,
        "render",
        "declaration",
        "--letter",
        str(letter["id"]),
        "--all-workers",
        "--out",
        out,
    )
    assert run.returncode == 1, run
    assert run.stderr.count("was already decided") == letter["matters"], run.stderr
    last = run.stderr.splitlines()[-1]
    assert last == f"clinic-app: none of the {letter['matters']} documents was made (see above).", (
        run.stderr
    )
