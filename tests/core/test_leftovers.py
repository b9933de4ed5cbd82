"""What a killed process leaves behind is removed at the next open and reported by `check`."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from clinic_app.services import audit_log, check, documents, vault_ops
from tests.conftest import PASSPHRASE
from tests.core.test_documents import TODAY, Worksite, worksite  # noqa: F401 (a fixture)

# About leftovers of killed programs in the vault's folder: not run on the clinic server.
pytestmark = pytest.mark.vault_only


def test_leftovers_of_killed_renders_backups_and_restores_are_swept_at_open(
    worksite: Worksite,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
) -> None:
    vault = worksite.vault
    drafts = tmp_path / "drafts"
    documents.render_documents(
        vault, template="declaration", matter_id=worksite.matters["Efraín"], out_dir=drafts,
        today=TODAY,
    )  # fmt: skip
    made = next(drafts.glob("*.docx"))
    # What SIGKILL leaves: a complete plain draft under atomic_write's temporary name, the
    # backup's work folder inside the vault (with a database copy), an old restore beside it.
    killed_draft = drafts / ".tmp-k2x9_q7a"
    killed_draft.write_bytes(made.read_bytes())
    someone_elses = drafts / ".tmp-notes-of-another-program.txt"
    someone_elses.write_text("not ours")
    (vault.folder / "files" / ".tmp-abcd1234").parent.mkdir(exist_ok=True)
    (vault.folder / "files" / ".tmp-abcd1234").write_bytes(b"half a blob")
    (vault.folder / ".backup-w7u2").mkdir()
    (vault.folder / ".backup-w7u2" / "vault.db").write_bytes(
        (vault.folder / "vault.db").read_bytes()
    )
    old_restore = vault.folder.parent / ".restore-9f3k"
    (old_restore / "vault").mkdir(parents=True)
    day_ago = time.time() - 86_400
    os.utime(old_restore, (day_ago, day_ago))
    running_restore = vault.folder.parent / ".restore-now1"
    running_restore.mkdir()
    folder = vault.folder
    vault.close()

    with vault_ops.open_vault(folder, passphrase=PASSPHRASE) as reopened:
        assert not killed_draft.exists()
        assert someone_elses.exists() and made.exists()
        assert not (folder / "files" / ".tmp-abcd1234").exists()
        assert not (folder / ".backup-w7u2").exists()
        assert not old_restore.exists() and running_restore.exists()
        report = check.check_vault(reopened)
        assert report.ok
        [note] = [n for n in report.notes if "leftover" in n]
        assert note.startswith(
            "4 leftover temporary files of an interrupted program were removed"
        )
        # One that appears while the vault is open is reported, not silently removed.
        (folder / ".backup-late").mkdir()
        assert any("still there (.backup-late)" in n for n in check.check_vault(reopened).notes)


def test_each_draft_is_in_the_audit_log_as_soon_as_it_is_written(
    worksite: Worksite,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
) -> None:
    vault = worksite.vault
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        events = audit_log.list_events(vault, limit=1000)
        seen.append((done, sum(1 for e in events if e.action == "write_draft")))

    report = documents.render_documents(
        vault, template="client-renewal-reminder", letter_id=worksite.letter_id,
        out_dir=tmp_path / "out", today=TODAY, workers=1, progress=progress,
    )  # fmt: skip
    assert len(report.written) == len(worksite.matters)
    assert seen == [(n, n) for n in range(1, len(worksite.matters) + 1)]
