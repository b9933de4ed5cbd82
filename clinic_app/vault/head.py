"""The head record: the newest audit event and key epoch, so an older database or key-slot file put back is noticed.

`head.json` sits next to the database and is rewritten after every commit. It names the last
audit event (its number, chained hash and time) and the key epoch (raised by every passphrase or
recovery-code change), with an HMAC under a subkey of the data key. Opening a vault whose
database lacks that event, or holds a different one, or whose key-slot file is from an earlier
epoch, is refused: someone put an older copy back. A head that lags (a crash between the commit
and the head's write) is fine: the database is newer, never older.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection

from clinic_app.errors import DamagedError
from clinic_app.i18n import _
from clinic_app.vault.fsutil import atomic_write

HEAD_NAME = "head.json"
STARTED = "start_head_record"  # the audit action recorded when a vault first gets a head record
FORMAT = 1


@dataclass(frozen=True)
class Head:
    seq: int  # the last audit event's number
    hash: str  # its chained HMAC
    at: str  # its time (ISO)
    epoch: int  # the key epoch of the key-slot file when it was written


def _mac(key: bytes, vault_id: str, head: Head) -> str:
    body = json.dumps({"vault_id": vault_id, **asdict(head)}, sort_keys=True).encode("utf-8")
    return base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode("ascii")


def write(folder: Path, key: bytes, vault_id: str, head: Head) -> None:
    doc = {"format": FORMAT, **asdict(head), "mac": _mac(key, vault_id, head)}
    atomic_write(Path(folder) / HEAD_NAME, json.dumps(doc, indent=2).encode("utf-8"))


def read(folder: Path, key: bytes, vault_id: str) -> Head | None:
    """The head record, None when there is none; DamagedError when it was altered."""
    path = Path(folder) / HEAD_NAME
    try:
        doc = json.loads(path.read_text("utf-8"))
        head = Head(int(doc["seq"]), str(doc["hash"]), str(doc["at"]), int(doc["epoch"]))
        ok = doc.get("format") == FORMAT and hmac.compare_digest(
            str(doc["mac"]), _mac(key, vault_id, head)
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise DamagedError(
            _(
                "The vault's head record ({file}) was altered or damaged; restore the vault from the newest backup into a new folder."
            ).format(file=HEAD_NAME)
        )
    return head


def latest(conn: Connection) -> tuple[int, str, str] | None:
    """The newest audit event: (number, hash, time)."""
    row = conn.execute(
        text("SELECT id, hash, at FROM audit_event ORDER BY id DESC LIMIT 1")
    ).first()
    return None if row is None else (int(row[0]), str(row[1]), str(row[2]))


def started(conn: Connection) -> bool:
    found = conn.execute(
        text("SELECT 1 FROM audit_event WHERE action = :a LIMIT 1"), {"a": STARTED}
    )
    return found.first() is not None


def problem(conn: Connection, head: Head, slots_epoch: int) -> str | None:
    """Why this database or key-slot file is older than the head, or None."""
    when = head.at[:10]
    row = conn.execute(text("SELECT hash FROM audit_event WHERE id = :i"), {"i": head.seq}).first()
    if row is None:
        return _(
            "This database is older than the vault's last recorded change (event {seq}, {when}): an older copy of vault.db was put back; restore the newest backup into a new folder (nothing was changed)."
        ).format(seq=head.seq, when=when)
    if not hmac.compare_digest(str(row[0]), head.hash):
        return _(
            "This database does not hold the vault's last recorded change (event {seq}, {when}): another copy of vault.db was put in its place; restore the newest backup into a new folder (nothing was changed)."
        ).format(seq=head.seq, when=when)
    if slots_epoch < head.epoch:
        return _(
            "The key-slot file is older than the vault's last key change (key epoch {slots_epoch}, the vault is at {epoch}): an old copy of keyslots.json was put back, with passphrases that were replaced; restore the newest backup into a new folder (nothing was changed)."
        ).format(slots_epoch=slots_epoch, epoch=head.epoch)
    return None


def stated_epoch(folder: Path) -> int | None:
    """The key epoch head.json states, unauthenticated: only to word a refusal (an old key-slot
    file's key cannot check the head's MAC), never to let anything in."""
    try:
        return int(json.loads((Path(folder) / HEAD_NAME).read_text("utf-8"))["epoch"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
