"""What `clinic-app check` asks of a vault beyond its records: pages, key slots, head record, leftovers."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError as SADatabaseError

from clinic_app.errors import DamagedError
from clinic_app.i18n import _, ngettext
from clinic_app.vault import head, leftovers, plain_templates, rotation
from clinic_app.vault.keyslots import KeySlotFile, subkey


class _Checked(Protocol):
    """The parts of an open vault the checks read."""

    folder: Path
    engine: Engine
    swept: list[Path]
    _vault_id: str
    _data_key: bytes

    def key_slots(self) -> KeySlotFile: ...

    def leftovers(self) -> list[Path]: ...

    def verify_head(self) -> list[str]: ...

    def verify_key_slots(self) -> list[str]: ...

    def _recovery_code_unseen(self) -> bool: ...


class VaultChecks:
    """Mixed into Vault: the checks of its own files."""

    def integrity_problems(self: _Checked) -> list[str]:
        """For `check`: database pages and structure, key slots, the head record."""
        problems: list[str] = []
        try:
            with self.engine.connect() as conn:
                bad_pages = conn.exec_driver_sql("PRAGMA cipher_integrity_check").all()
                if bad_pages:
                    problems.append(
                        ngettext(
                            "{count} database page fails its authentication check "
                            "(altered or damaged)",
                            "{count} database pages fail their authentication check "
                            "(altered or damaged)",
                            len(bad_pages),
                        ).format(count=len(bad_pages))
                    )
                result = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check").all()]
                if result != ["ok"]:
                    # SQLite's own report spans lines; a problem is one line.
                    found = "; ".join(" ".join(str(r).split()) for r in result[:3])
                    problems.append(
                        _("the database structure is damaged: {found}").format(found=found)
                    )
                if conn.exec_driver_sql("PRAGMA foreign_key_check").all():
                    problems.append(_("some records point at records that do not exist"))
                conn.execute(
                    text("INSERT INTO client_search(client_search) VALUES ('integrity-check')")
                )
                conn.rollback()
        except SADatabaseError as exc:
            raise DamagedError(
                _("The vault database is damaged or was altered; restore it from a backup.")
            ) from exc
        problems.extend(self.verify_key_slots())
        problems.extend(self.verify_head())
        # The app stopped reading plain templates when it sealed them in the store: one found
        # where they used to be was put there by something else.
        for plain in plain_templates.find(self.folder):
            where = plain.path.relative_to(self.folder).as_posix()
            problems.append(
                _(
                    "a plain template file {where} is in the vault folder; the app does not use "
                    "it (it was not put there by the app): delete it, or add it with "
                    "'clinic-app template-add' if it is the clinic's"
                ).format(where=where)
            )
        return problems

    def check_notes(self: _Checked) -> list[str]:
        """For `check`: leftovers of interrupted programs, removed at open or still there."""
        notes: list[str] = []
        if self.swept:
            notes.append(
                ngettext(
                    "{count} leftover temporary file of an interrupted program was removed when the vault was opened ({describe})",
                    "{count} leftover temporary files of an interrupted program were removed when the vault was opened ({describe})",
                    len(self.swept),
                ).format(
                    count=len(self.swept), describe=leftovers.describe(self.swept, self.folder)
                )
            )
        if self._recovery_code_unseen():
            notes.append(
                _(
                    "an interrupted key change was finished when the vault was opened, so its new recovery code was never shown: make a new one (Settings → Make a new recovery code)"
                )
            )
        remaining = self.leftovers()
        if remaining:
            notes.append(
                ngettext(
                    "{count} leftover temporary file of an interrupted program is still there ({describe}); delete it",
                    "{count} leftover temporary files of an interrupted program are still there ({describe}); delete them",
                    len(remaining),
                ).format(count=len(remaining), describe=leftovers.describe(remaining, self.folder))
            )
        return notes

    def verify_head(self: _Checked) -> list[str]:
        """For `check`: the head record against this database and key-slot file."""
        if not self._vault_id:
            return []  # a copy opened with open_copy keeps no head of its own
        try:
            found = head.read(self.folder, subkey(self._data_key, "head"), self._vault_id)
        except DamagedError as exc:
            return [exc.message.rstrip(".")]
        if found is None:
            return [f"the vault's head record ({head.HEAD_NAME}) is missing"]
        with self.engine.connect() as conn:
            problem = head.problem(conn, found, self.key_slots().epoch)
        return [] if problem is None else [problem.rstrip(".")]

    def verify_key_slots(self: _Checked) -> list[str]:
        return self.key_slots().verify(self._data_key)

    def _recovery_code_unseen(self: _Checked) -> bool:
        """Whether the newest recovery code came from a key change finished at open."""
        with self.engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT action FROM audit_event WHERE action IN (:a, :b, :c) "
                    "ORDER BY id DESC LIMIT 1"
                ),
                {"a": rotation.FINISHED_AT_OPEN, "b": "new_recovery_code", "c": "rotate_key"},
            ).first()
        return row is not None and row[0] == rotation.FINISHED_AT_OPEN
