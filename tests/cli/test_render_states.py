"""`clinic-app render` knows the case: every shipped template over matters in every state, run as
the console script on both stores (a vault and the clinic server); refusals are one sentence and
exit 1; --anyway; a no-mail client."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from clinic_app.documents.engine import read_text
from clinic_app.services import clients, matters
from tests.case_states import CASES, EXPECTED, NEVER, TODAY, Worksite, build
from tests.cli.conftest import (
    CliTarget,
    Run,
    assert_ok,
    assert_one_line_error,
    in_parallel,
    new_target,
    run_cli,
)
from tests.cli.stores import copy_of, own_copy

DAY = TODAY.isoformat()


@dataclass(frozen=True)
class Cases:
    target: CliTarget
    site: Worksite
    no_mail: int  # the matter of a client who must not be mailed


@pytest.fixture(scope="module")
def case_vault(
    cli_store_kind: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cases]:
    """The worksite of tests/case_states.py, plus a Spanish-speaking client who must not be
    mailed (text only), with a work permit ending in 90 days."""
    with new_target(cli_store_kind, tmp_path_factory.mktemp("states"), request) as target:
        with target.open() as vault:
            site = build(vault)
            ines = clients.add_client(
                vault, first_name="Inés", last_name="Condori", preferred_languages="es",
                address="9 Home St\nMarshalltown, IA 50158", contact_rules="no_mail,text_only",
            ).record  # fmt: skip
            no_mail = matters.add_matter(
                vault, client_id=ines.id, kind="initial", status="closed"
            ).record
            for kind in ("deferred_action", "work_permit"):
                matters.add_grant(
                    vault, matter_id=no_mail.id, kind=kind, start="2025-05-30", end="2027-05-30"
                )
        yield Cases(target, site, no_mail.id)


own = own_copy("case_vault")  # a copy of the cases for a test that changes them


def _cli(target: CliTarget, *args: str | Path) -> Run:
    return run_cli(*target.place, *args, env=target.env)


def _render(target: CliTarget, *args: str | Path) -> Run:
    return _cli(target, "render", *args, "--today", DAY)


def test_every_template_over_every_state(
    case_vault: Cases, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    site = case_vault.site
    templates = sorted(EXPECTED)
    lanes = [templates[i::3] for i in range(3)]  # three lanes side by side
    with ExitStack() as stack:
        # The clinic server takes several people at once; a vault's lock takes one, so each
        # lane has its own copy.
        targets = [case_vault.target] * 3
        if case_vault.target.kind == "vault":
            targets = [
                stack.enter_context(copy_of(case_vault.target, tmp_path / f"v{i}", request))
                for i in range(3)
            ]

        def lane(index: int) -> list[tuple[str, Run]]:
            return [
                (
                    t,
                    _render(
                        targets[index], t, "--letter", str(site.letter_id), "--out", tmp_path / t
                    ),
                )
                for t in lanes[index]
            ]

        runs = [
            pair
            for result in in_parallel(*(lambda i=i: lane(i) for i in range(3)))
            for pair in result
        ]

    name_of = {site.matters[key]: key for key in CASES}
    for template, run in runs:
        refused = {key for key, sentence in EXPECTED[template].items() if sentence is None}
        assert run.returncode == (1 if refused else 0), run
        said = {}
        for line in run.stderr_lines[:-1] if refused else run.stderr_lines:
            found = re.match(r"clinic-app: .+ \(matter (\d+)\): (.+)$", line)
            assert found, (template, line)
            said[name_of[int(found.group(1))]] = found.group(2)
        assert set(said) == refused, (template, said)
        for why in said.values():
            # One sentence: the fact, what the template is for, what to do.
            assert why.endswith("; not made (add --anyway to make it regardless)."), why
            assert why.count(". ") == 0, why
        with (tmp_path / template / "index.csv").open(encoding="utf-8-sig") as handle:
            rows = {int(row["matter_id"]): row for row in csv.DictReader(handle)}
        for key, sentence in EXPECTED[template].items():
            row = rows[site.matters[key]]
            if sentence is None:
                assert row["note"].startswith("not made: "), row
                continue
            text = "\n".join(read_text((tmp_path / template / row["file"]).read_bytes()))
            assert sentence in text, (template, key, CASES[key].state)
            never = NEVER.get((template, key))
            assert never is None or never not in text, (template, key)


def test_a_refused_matter_is_one_sentence_and_anyway_is_audited(
    case_vault: Cases, tmp_path: Path
) -> None:
    target = case_vault.target
    d2 = str(case_vault.site.matters["D2"])
    out = tmp_path / "out"
    run = _render(target, "cover-letter-renewal", "--matter", d2, "--out", out)
    line = assert_one_line_error(run, 1, "the grant was terminated on 2026-09-15", "--anyway")
    assert "use client-grant-terminated" in line and line.count(". ") == 0
    assert not out.exists() or not list(out.iterdir())
    made = assert_ok(
        _render(target, "cover-letter-renewal", "--matter", d2, "--out", out, "--anyway")
    )
    assert "made anyway although the grant was terminated on 2026-09-15" in made.stdout
    audit = assert_ok(_cli(target, "audit", "--limit", "1"))
    assert "made anyway although not what the template is for" in audit.stdout
    ok = assert_ok(_render(target, "client-grant-terminated", "--matter", d2, "--out", out))
    assert ok.stdout.startswith("Wrote ")


def test_a_no_mail_client_is_said_first(case_vault: Cases, tmp_path: Path) -> None:
    out = tmp_path / "out"
    matter = str(case_vault.no_mail)
    run = assert_ok(
        _render(case_vault.target, "client-work-permit-expiring", "--matter", matter, "--out", out)
    )
    first = run.stdout.splitlines()[0]
    assert first.startswith("DO NOT MAIL — text messages only: Inés Condori (matter ")
    (made,) = out.glob("*.docx")
    assert made.name == "Condori_Inés_important-date_2027-03-01_es.docx"
    lines = read_text(made.read_bytes())
    assert lines[0] == "NO ENVIAR POR CORREO — solo mensajes de texto"
    assert "9 Home St" not in "\n".join(lines)


def test_the_fee_choice_on_the_matter_reaches_the_cover_letter(
    case_vault: Cases, own: CliTarget, tmp_path: Path
) -> None:
    target = own
    f1 = str(case_vault.site.matters["F1"])
    assert_ok(_cli(target, "checklist", f1, "--fee", "waiver"))
    out = tmp_path / "out"
    assert_ok(_render(target, "cover-letter-initial", "--matter", f1, "--out", out))
    (made,) = out.glob("*.docx")
    text = "\n".join(read_text(made.read_bytes()))
    assert "Form I-912, Request for Fee Waiver, with its supporting evidence, is enclosed" in text
    assert "3.\tForm I-912, Request for Fee Waiver, with supporting evidence" in text
    bad = _cli(target, "checklist", f1, "--fee", "cash")
    assert bad.returncode == 2 and "invalid choice: 'cash'" in bad.stderr


def test_safe_contact_rules_are_set_on_the_command_line(own: CliTarget) -> None:
    bad = _cli(own, "client", "edit", "1", "--contact-rules", "pigeon")
    assert_one_line_error(bad, 1, "'pigeon' is not one", "--contact-rules")
    assert_ok(
        _cli(
            own, "client", "edit", "1", "--contact-rules", "no mail,no-voicemail",
            "--mail-to", "PO Box 12\\nMarshalltown, IA",
        )
    )  # fmt: skip
    shown = assert_ok(_cli(own, "client", "show", "1")).stdout
    assert "Safe-contact rules: no_mail, no_voicemail" in shown
    assert "Mail to: PO Box 12, Marshalltown, IA" in shown
