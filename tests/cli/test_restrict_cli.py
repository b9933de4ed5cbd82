"""`clinic-app matter restrict ID --to NAME[,NAME]` / `--clear` through the console script, on
both stores (a vault and the clinic server)."""

from __future__ import annotations

from tests.cli.conftest import CliTarget, Run, assert_ok, assert_one_line_error, run_cli


def test_restrict_names_clears_and_refuses_bad_input(cli_target: CliTarget) -> None:
    def cli(*args: str) -> Run:
        return run_cli(*cli_target.options(), *args, env=cli_target.env)

    assert_ok(cli("staff", "add", "Dana Rivera", "--role", "attorney"))
    assert_ok(cli("client", "add", "--first-name", "Rosa", "--last-name", "Cruz"))
    assert_ok(cli("matter", "add", "--client", "1", "--kind", "initial"))
    done = assert_ok(cli("matter", "restrict", "1", "--to", "dana rivera"))
    assert "Matter 1 is restricted to: Dana Rivera." in done.stdout
    before = cli_target.fingerprint()
    assert_one_line_error(cli("matter", "restrict", "1", "--to", "Nadie"), 1, "--to", "Nadie")
    assert_one_line_error(cli("matter", "restrict", "1", "--to", ","), 1, "--to")
    assert_one_line_error(cli("matter", "restrict", "1", "--to", "Dana", "--clear"), 1, "--clear")
    assert cli_target.fingerprint() == before
    assert "restricted to: Dana Rivera" in assert_ok(cli("matter", "restrict", "1")).stdout
    assert "no longer restricted" in assert_ok(cli("matter", "restrict", "1", "--clear")).stdout
    assert "is not restricted" in assert_ok(cli("matter", "restrict", "1")).stdout
