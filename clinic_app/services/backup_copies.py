"""The copies in one backup folder: their names, the manifest beside them, and thinning by age."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from clinic_app.services.backup_plan import Retention
from clinic_app.vault.fsutil import atomic_write

SUFFIX = ".clinicbackup"
PARTIAL = ".partial"
STAMP = "%Y%m%dT%H%M%SZ"
OK, FAILED, UNVERIFIED = "ok", "failed", "unverified"


@dataclass(frozen=True)
class Copy:
    """One backup file and what is known of it. Nothing here is client data: the manifest beside
    the copies holds exactly these fields."""

    file: str
    made: datetime  # UTC
    size: int
    sha256: str = ""
    verified: str = UNVERIFIED  # ok, failed or unverified
    checked: datetime | None = None
    problem: str = ""
    audit_id: int = 0  # the vault's last audit event in the copy: were there changes since?

    @property
    def good(self) -> bool:
        return self.verified == OK

    def to_json(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["made"] = iso(self.made)
        doc["checked"] = iso(self.checked) if self.checked else None
        return doc


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def copy_name(vault_id: str, made: datetime, folder: Path) -> str:
    """`<vault id>_<UTC time>.clinicbackup`: the vault and the time, never a client's name."""
    stem = f"{vault_id}_{made.astimezone(UTC).strftime(STAMP)}"
    name, n = stem + SUFFIX, 1
    while (folder / name).exists() or (folder / (name + PARTIAL)).exists():
        n += 1
        name = f"{stem}-{n}{SUFFIX}"
    return name


def _name_pattern(vault_id: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(vault_id)}_(\d{{8}}T\d{{6}}Z)(?:-\d+)?{re.escape(SUFFIX)}$")


def manifest_path(folder: Path, vault_id: str) -> Path:
    return folder / f"{vault_id}.manifest.json"


def read_copies(folder: Path, vault_id: str) -> list[Copy]:
    """The copies of this vault in `folder`, newest first: the manifest's entries whose file is
    there, and files of this vault the manifest does not know (unverified)."""
    known: dict[str, Copy] = {}
    try:
        doc = json.loads(manifest_path(folder, vault_id).read_text("utf-8"))
        for entry in doc.get("copies", []):
            copy = Copy(
                file=str(entry["file"]),
                made=from_iso(entry["made"]),
                size=int(entry["size"]),
                sha256=str(entry.get("sha256", "")),
                verified=str(entry.get("verified", UNVERIFIED)),
                checked=from_iso(entry["checked"]) if entry.get("checked") else None,
                problem=str(entry.get("problem", "")),
                audit_id=int(entry.get("audit_id", 0)),
            )
            known[copy.file] = copy
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass  # a missing or damaged manifest: the files are still listed, as unverified
    pattern = _name_pattern(vault_id)
    copies: list[Copy] = []
    for path in folder.glob(f"{vault_id}_*{SUFFIX}"):
        match = pattern.match(path.name)
        if not match or not path.is_file():
            continue
        size = path.stat().st_size
        entry = known.get(path.name)
        if entry is None:
            made = datetime.strptime(match.group(1), STAMP).replace(tzinfo=UTC)
            entry = Copy(file=path.name, made=made, size=size)
        elif entry.size != size and entry.verified != FAILED:
            entry = replace(entry, verified=FAILED, problem="its size changed after it was checked")
        copies.append(entry)
    return sorted(copies, key=lambda c: (c.made, c.file), reverse=True)


def write_manifest(folder: Path, vault_id: str, copies: list[Copy]) -> None:
    doc = {"format": 1, "vault_id": vault_id, "copies": [c.to_json() for c in copies]}
    atomic_write(manifest_path(folder, vault_id), json.dumps(doc, indent=2).encode("utf-8"))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def recheck(folder: Path, copies: list[Copy]) -> list[Copy]:
    """Each good copy's bytes against the checksum taken when it was verified: a copy changed on
    the drive since (a failing stick, a bad sync) is marked failed."""
    checked = []
    for copy in copies:
        if copy.good and copy.sha256:
            try:
                same = sha256_of(folder / copy.file) == copy.sha256
            except OSError:
                same = False
            if not same:
                copy = replace(copy, verified=FAILED, problem="it changed after it was verified")
        checked.append(copy)
    return checked


def to_keep(copies: list[Copy], keep: Retention, zone: tzinfo) -> set[str]:
    """Files thinning keeps: the newest good copy always, then the newest good copy of each of the
    last `keep.daily` days, `keep.weekly` ISO weeks and `keep.monthly` months that have one.
    Copies that failed or were never verified are neither counted nor chosen here."""
    good = sorted((c for c in copies if c.good), key=lambda c: c.made, reverse=True)
    kept = {good[0].file} if good else set()
    for count, bucket in ((keep.daily, _day), (keep.weekly, _week), (keep.monthly, _month)):
        seen: set[tuple[int, ...]] = set()
        for copy in good:
            key = bucket(copy.made.astimezone(zone))
            if key in seen:
                continue
            if len(seen) == count:
                break
            seen.add(key)
            kept.add(copy.file)
    return kept


def _day(moment: datetime) -> tuple[int, ...]:
    return (moment.year, moment.month, moment.day)


def _week(moment: datetime) -> tuple[int, ...]:
    year, week, _weekday = moment.isocalendar()
    return (year, week)


def _month(moment: datetime) -> tuple[int, ...]:
    return (moment.year, moment.month)
