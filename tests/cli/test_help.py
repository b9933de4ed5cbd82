"""Every --help and the README's command table name real options, and the environment read."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from clinic_app.cli.main import build_parser
from clinic_app.cli.usage import expand_shorthand
from tests.cli.conftest import assert_ok, run_cli

README = Path(__file__).resolve().parents[2] / "README.md"


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {s for action in parser._actions for s in action.option_strings}


def _walk(words: list[str]) -> argparse.ArgumentParser:
    parser = build_parser()
    for word in words:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs or word not in subs[0].choices:
            break
        parser = subs[0].choices[word]
    return parser


def _table_forms() -> list[str]:
    """Each command form written in the first column of the README's command table."""
    forms = []
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("| `"):
            first = line.split(" | ")[0]
            forms += re.findall(r"`([^`]+)`", first)
    return forms


def test_the_readme_table_names_only_real_options() -> None:
    forms = _table_forms()
    assert len(forms) > 40
    top = _options(build_parser())
    wrong = []
    for form in forms:
        parser = _walk(expand_shorthand(form.replace("\\|", "|").split()))
        for flag in re.findall(r"--[a-z][a-z-]*", form):
            if flag not in _options(parser) | top:
                wrong.append(f"{form}: {flag}")
    assert wrong == []


@pytest.mark.parametrize(
    ("command", "needles"),
    [
        (
            ["client", "add"],
            ["--first-name", "--dob", "$CLINIC_APP_PASSPHRASE", "$CLINIC_APP_USER"],
        ),
        # A command that works on either store names the clinic server's variables too.
        (
            ["today"],
            ["$CLINIC_APP_SERVER", "when --server is not given", "$CLINIC_APP_PASSWORD"],
        ),
        (["server", "users"], ["$CLINIC_APP_SERVER", "$CLINIC_APP_PASSWORD", "--user"]),
        (["notice", "add"], ["--mailed", "87", "$CLINIC_APP_VAULT"]),
        (["passwd"], ["$CLINIC_APP_NEW_PASSPHRASE"]),
        (["recover"], ["$CLINIC_APP_RECOVERY_CODE"]),
        (["fields"], ["Environment: none read."]),
        (["demo"], ["The demo vault goes to --vault DIR", "clinic-app"]),
        (["shell"], ["--keep-going", "first failing line"]),
        (["backup-plan"], ["--keep N|D,W,M", "$CLINIC_APP_BACKUP_PASSPHRASE"]),
    ],
)
def test_help_names_options_and_environment(
    cli_env: dict[str, str], command: list[str], needles: list[str]
) -> None:
    text = " ".join(assert_ok(run_cli(*command, "--help", env=cli_env)).stdout.split())
    for needle in needles:
        assert needle in text, (needle, text)


@pytest.mark.parametrize(
    ("command", "absent"),
    [
        (["passwd"], "$CLINIC_APP_SERVER"),  # the vault's own passphrase
        (["backup-plan"], "$CLINIC_APP_SERVER"),  # refused on the clinic server
        (["init"], "$CLINIC_APP_PASSWORD"),
        (["server", "users"], "$CLINIC_APP_VAULT"),  # a clinic server command only
        (["server", "renew-cert"], "$CLINIC_APP_PASSWORD"),  # works on the server's folder
    ],
)
def test_help_names_only_the_environment_a_command_reads(
    cli_env: dict[str, str], command: list[str], absent: str
) -> None:
    text = " ".join(assert_ok(run_cli(*command, "--help", env=cli_env)).stdout.split())
    environment = text.partition("Environment: ")[2]  # the options above name their own
    assert environment
    assert absent not in environment, text
