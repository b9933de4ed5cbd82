"""`clinic-app matter restrict ID --to NAME[,NAME]` / `--clear` on a vault, through the console script."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.cli.conftest import assert_ok, assert_one_line_error, make_env, run_cli


def test_restrict_names_clears_and_refuses_bad_input(tmp_path: Path) -> None:
    folder, env = tmp_path / "vault", make_env(tmp_path / "home")

    def cli(*args: str) -> object:
        return run_cli("--vault", folder, *args, env=env)

    assert_ok(cli("init"))
    assert_ok(cli("staff", "add", "Dana Rivera", "--role", "attorney"))
    assert_ok(cli("client", "add", "--first-name", "Rosa", "--last-name", "Cruz"))
    assert_ok(cli("matter", "add", "--client", "1", "--kind", "initial"))
    done = assert_ok(cli("matter", "restrict", "1", "--to", "dana rivera"))
    assert "Matter 1 is restricted to: Dana Rivera." in done.stdout
    before = hashlib.sha256((folder / "vault.db").read_bytes()).hexdigest()
    assert_one_line_error(cli("matter", "restrict", "1", "--to", "Nadie"), 1, "--to", "Nadie")
    assert_one_line_error(cli("matter", "restrict", "1", "--to", ","), 1, "--to")
    assert_one_line_error(cli("matter", "restrict", "1", "--to", "Dana", "--clear"), 1, "--clear")
    assert hashlib.sha256((folder / "vault.db").read_bytes()).hexdigest() == before
    assert "restricted to: Dana Rivera" in assert_ok(cli("matter", "restrict", "1")).stdout
    assert "no longer restricted" in assert_ok(cli("matter", "restrict", "1", "--clear")).stdout
    assert "is not restricted" in assert_ok(cli("matter", "restrict", "1")).stdout
