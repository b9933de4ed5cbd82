"""A vault on a real, tiny, full filesystem: the console script refuses each write in one sentence.

Mounting a size-limited tmpfs needs root (or CAP_SYS_ADMIN); where the machine does not allow
it the test is skipped, and tests/core/test_disk_full.py covers the same paths with a full
database (SQLite's own max_page_count) and ENOSPC from /dev/full.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from clinic_app.services import check, documents, importing, vault_ops
from tests.cli.conftest import assert_ok, assert_one_line_error, make_env, run_cli
from tests.conftest import FAST_KDF, PASSPHRASE, SAMPLE_CSV
from tests.core.helpers import CLINIC_DETAILS, big_csv, dump_tables, files_under

SIZE = "4m"
CLINIC = CLINIC_DETAILS


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A freshly mounted tmpfs of a few megabytes (skipped where mounting is not allowed)."""
    mount, umount = shutil.which("mount"), shutil.which("umount")
    if os.name != "posix" or os.geteuid() != 0 or mount is None or umount is None:
        pytest.skip("mounting a small filesystem needs root on Linux")
    point = tmp_path / "small"
    point.mkdir()
    done = subprocess.run(
        [mount, "-t", "tmpfs", "-o", f"size={SIZE},mode=0700", "tmpfs", str(point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield point
    finally:
        if subprocess.run([umount, str(point)], check=False).returncode != 0:
            subprocess.run([umount, "-l", str(point)], check=False)


def _fill(folder: Path) -> Path:
    """Write a filler file until the filesystem says it is full."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 65536)
    except OSError as exc:
        assert exc.errno == 28, exc  # ENOSPC
    finally:
        os.close(fd)
    # Small writes may still find room in the last blocks: fill those too.
    fd = os.open(filler, os.O_WRONLY | os.O_APPEND)
    try:
        while True:
            os.write(fd, b"\0" * 512)
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


def test_vault_on_a_full_filesystem(small_disk: Path, tmp_path: Path, isolated_home: Path) -> None:
    folder = small_disk / "vault"
    vault, _ = vault_ops.create_vault(folder, passphrase=PASSPHRASE, actor="tester", kdf=FAST_KDF)
    try:
        assert importing.import_file(vault, path=SAMPLE_CSV).ok
        documents.set_clinic_details(vault, values=CLINIC)
        before = dump_tables(vault)
    finally:
        vault.close()
    filler = _fill(small_disk)
    env = make_env(isolated_home)
    csv = big_csv(tmp_path / "more-workers.csv", 300)

    def cli(*args: str | Path) -> object:
        return run_cli("--vault", folder, *args, env=env)

    # The database cannot grow.
    assert_one_line_error(cli("import", csv), 1, "is full", str(folder), "nothing was changed")
    assert_one_line_error(
        cli("clinic", "--set", "name=Another Clinic Name"), 1, "is full", "nothing was changed"
    )
    # The backup's copy of the database is made beside the vault, on the full disk.
    assert_one_line_error(cli("backup", tmp_path / "clinic.backup"), 1, "is full", str(folder))
    assert not (tmp_path / "clinic.backup").exists()
    # A document written to the full disk.
    drafts = small_disk / "drafts"
    assert_one_line_error(
        cli("render", "declaration", "--matter", "1", "--out", drafts), 1, "is full"
    )
    assert files_under(drafts) == []
    # Reading and checking still work on the full disk.
    assert "Vault OK" in assert_ok(cli("check")).stdout
    assert not [p.name for p in folder.iterdir() if p.name.startswith((".tmp-", ".backup-"))]

    vault = vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    try:
        assert check.check_vault(vault).ok
        assert dump_tables(vault) == before  # exactly the data from before the failed writes
    finally:
        vault.close()

    # With room again, the same import goes through.
    filler.unlink()
    assert "300" in assert_ok(cli("import", csv)).stdout
    assert "Vault OK" in assert_ok(cli("check")).stdout
