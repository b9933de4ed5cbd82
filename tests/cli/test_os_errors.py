"""What the system refuses (a path under a file, a folder given as a file, a missing file, a name
too long) is one sentence in the person's words, naming the path and the fix, in every language.

Every case fails for root too (CI runs as root, where a read-only folder would not stop anything).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_app.errors import ClinicError
from clinic_app.server.binaries import find_programs
from tests.cli.conftest import SharedVault, assert_one_line_error, run_cli

# What Python's strerror says for each case: never shown to a person.
OS_TEXT = (
    "errno",
    "Not a directory",
    "Is a directory",
    "No such file",
    "File name too long",
    "File exists",
    "NotADirectoryError",
    "IsADirectoryError",
    "unexpected error",
)
LONG_NAME = "x" * 300 + ".ics"


@pytest.fixture
def spots(tmp_path: Path) -> tuple[Path, Path]:
    """A regular file and an empty folder to point commands at."""
    plain = tmp_path / "notes.txt"
    plain.write_text("not a folder\n")
    folder = tmp_path / "exports"
    folder.mkdir()
    return plain, folder


def _cases(plain: Path, folder: Path) -> list[tuple[tuple[str | Path, ...], str, str]]:
    """(arguments, the path the sentence names, what the English sentence says)."""
    under_file = plain / "calendar.ics"
    cases = [
        (("deadlines", "--ics", under_file), str(under_file), "part of its path is a file"),
        (("deadlines", "--ics", folder), str(folder), "is a folder, not a file"),
        (("deadlines", "--ics", folder / LONG_NAME), LONG_NAME, "too long for the disk"),
        (("import", folder / "missing.csv"), "missing.csv", "does not exist"),
        (("import", folder), str(folder), "is a folder, not a file"),
        (
            ("render", "declaration", "--matter", "1", "--anyway", "--out", plain / "drafts"),
            str(plain / "drafts"),
            "part of its path is a file",
        ),
    ]
    if Path("/proc/self").is_dir():  # Linux: a folder that takes no new files, not even root's
        proc = "/proc/clinic-calendar.ics"
        cases.append((("deadlines", "--ics", proc), proc, "cannot be created in that folder"))
    return cases


def test_refusals_are_one_english_sentence_naming_path_and_fix(
    sample_vault: SharedVault, spots: tuple[Path, Path]
) -> None:
    plain, folder = spots
    for args, path, says in _cases(plain, folder):
        run = run_cli("--vault", sample_vault.folder, *args, env=sample_vault.env)
        line = assert_one_line_error(run, 1, path, says, "try again")
        assert not any(text.lower() in line.lower() for text in OS_TEXT), line
    assert plain.read_text() == "not a folder\n"
    assert list(folder.iterdir()) == []


def test_restore_refusals_name_the_path(
    sample_vault: SharedVault, spots: tuple[Path, Path]
) -> None:
    plain, folder = spots
    backup = folder / "clinic.backup"
    env = sample_vault.env
    run_cli("--vault", sample_vault.folder, "backup", backup, env=env)
    assert backup.exists()
    # The restored vault's folder would sit under a file.
    target = plain / "restored"
    run = run_cli("restore", backup, "--vault", target, env=env)
    assert_one_line_error(run, 1, str(target), "part of its path is a file", "nothing was changed")
    # A folder given as the backup file.
    run = run_cli("restore", folder, "--vault", folder / "restored", env=env)
    assert_one_line_error(run, 1, str(folder), "is a folder, not a file")
    assert sorted(p.name for p in folder.iterdir()) == ["clinic.backup"]


def test_server_create_under_a_file_names_the_path(tmp_path: Path, cli_env: dict[str, str]) -> None:
    # It used to say "unexpected error (NotADirectoryError)".
    try:
        find_programs()
    except ClinicError:
        pytest.skip("PostgreSQL's programs are not installed")
    plain = tmp_path / "notes.txt"
    plain.write_text("not a folder\n")
    for lang in ("en", "es"):
        run = run_cli(
            "--lang", lang, "server", "create", plain / "server", "--password-stdin",
            env=cli_env, stdin="a long admin password 42\n",
        )  # fmt: skip
        line = assert_one_line_error(run, 1, str(plain / "server"))
        assert not any(text.lower() in line.lower() for text in OS_TEXT), line
        if lang == "en":
            assert "part of its path is a file" in line, line
    assert plain.read_text() == "not a folder\n"


def test_spanish_screen_shows_no_system_english(
    sample_vault: SharedVault, spots: tuple[Path, Path]
) -> None:
    plain, folder = spots
    for args, path, _says in _cases(plain, folder):
        run = run_cli("--lang", "es", "--vault", sample_vault.folder, *args, env=sample_vault.env)
        line = assert_one_line_error(run, 1, path)
        assert not any(text.lower() in line.lower() for text in OS_TEXT), line


def test_spanish_screen_says_the_refusal_in_spanish(
    sample_vault: SharedVault, spots: tuple[Path, Path]
) -> None:
    """Passes once the catalog translates clinic_app/os_errors.py's sentences."""
    plain, folder = spots
    for args, path, says in _cases(plain, folder):
        run = run_cli("--lang", "es", "--vault", sample_vault.folder, *args, env=sample_vault.env)
        line = assert_one_line_error(run, 1, path)
        assert says not in line and "try again" not in line, line
