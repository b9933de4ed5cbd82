"""Encrypted one-file backups of a whole vault, and restoring them into a new folder."""

from __future__ import annotations

import base64
import contextlib
import errno
import io
import json
import os
import shutil
import struct
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from clinic_app.documents.templates import LANGUAGE, TEMPLATE_ID
from clinic_app.errors import DamagedError, UnlockError, UserError, VaultError
from clinic_app.i18n import _
from clinic_app.os_errors import read_error_sentence
from clinic_app.paths import SLOTS_NAME, is_vault
from clinic_app.vault import audit
from clinic_app.vault.engine import connect, key_pragma
from clinic_app.vault.fsutil import disk_error_sentence, fsync_dir
from clinic_app.vault.keyslots import (
    DEFAULT_KDF,
    BackupKey,
    KdfParams,
    kdf_from_doc,
    normalize_passphrase,
)
from clinic_app.vault.vault import DB_NAME, FILES_DIR, META_NAME, Vault

MAGIC = b"CLINICBK"
TEMPLATES_DIR = "templates"
VERSION = 1
CHUNK = 1024 * 1024
Progress = Callable[[int, int], None]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _snapshot_database(vault: Vault, target: Path) -> None:
    """A consistent, still-encrypted copy of the database (sqlcipher_export under the same key)."""
    try:
        conn = connect(vault.folder / DB_NAME, vault.database_key)
        try:
            conn.execute(
                f"ATTACH DATABASE ? AS snapshot KEY \"x'{vault.database_key.hex()}'\"",
                (str(target),),
            )
            conn.execute("BEGIN")
            conn.execute("SELECT sqlcipher_export('snapshot')")
            conn.execute("COMMIT")
            conn.execute("DETACH DATABASE snapshot")
        finally:
            conn.close()
    except sqlcipher.OperationalError as exc:
        # The copy is written beside the vault: a full disk there is the usual cause.
        if "full" in str(exc):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)) from exc
        raise VaultError(
            _(
                "The vault database could not be copied for the backup: {error} (nothing was changed)."
            ).format(error=exc)
        ) from exc
    except sqlcipher.DatabaseError as exc:
        raise DamagedError(
            _("The vault database is damaged or was altered; restore it from a backup.")
        ) from exc


def _payload(vault: Vault, work: Path) -> Path:
    """A tar of the vault's files; every member is already ciphertext or holds no client data."""
    snapshot = work / DB_NAME
    _snapshot_database(vault, snapshot)
    tar_path = work / "payload.tar"
    with tarfile.open(tar_path, "w") as tar:
        tar.add(vault.folder / META_NAME, arcname=META_NAME)
        tar.add(vault.folder / SLOTS_NAME, arcname=SLOTS_NAME)
        tar.add(snapshot, arcname=DB_NAME)
        for blob in vault.files.blobs():
            tar.add(
                vault.folder / FILES_DIR / blob[:2] / blob, arcname=f"{FILES_DIR}/{blob[:2]}/{blob}"
            )
        # The clinic's own templates are among the stored files (sealed in the file store).
    return tar_path


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", index) + (b"\x01" if last else b"\x00")


def backup_vault(
    vault: Vault,
    *,
    out: Path,
    backup_passphrase: str | None = None,
    vault_passphrase: str,
    kdf: KdfParams = DEFAULT_KDF,
    progress: Progress | None = None,
) -> int:
    """Write one encrypted backup file; returns its size in bytes.

    The backup key is random and wrapped under Argon2id of the backup's own passphrase, or of the
    vault's passphrase when none is given. The file is written to a temporary name and renamed.
    """
    out = Path(out)
    if out.exists():
        raise UserError(
            _("{out} already exists; choose a new file name for the backup.").format(out=out)
        )
    if not out.parent.is_dir():
        raise UserError(_("The folder {parent} does not exist.").format(parent=out.parent))
    secret = backup_passphrase if backup_passphrase is not None else vault_passphrase
    if backup_passphrase is not None and len("".join(backup_passphrase.split())) < 8:
        raise UserError(_("The backup passphrase must have at least 8 characters besides spaces."))
    # Confirm the vault passphrase really is this vault's, so the backup can be opened later.
    if backup_passphrase is None:
        vault.key_slots().unlock(normalize_passphrase(vault_passphrase), "passphrase")
    salt = os.urandom(16)
    protected_by = "backup passphrase" if backup_passphrase is not None else "vault passphrase"
    wrapping = kdf.derive(normalize_passphrase(secret), salt)
    size = _seal(
        vault, out, BackupKey(wrapping, salt, kdf, own=backup_passphrase is not None), progress
    )
    with vault.session() as session:
        audit.record(session, action="backup", record_kind="vault", summary=protected_by)
    return size


def write_sealed_backup(
    vault: Vault, *, out: Path, key: BackupKey, progress: Progress | None = None
) -> int:
    """One backup file sealed under a plan's stored key (nobody types a passphrase); returns its
    size. The caller audits it, with the result of verifying it."""
    if out.exists():
        raise UserError(
            _("{out} already exists; choose a new file name for the backup.").format(out=out)
        )
    return _seal(vault, out, key, progress)


def _seal(vault: Vault, out: Path, key: BackupKey, progress: Progress | None) -> int:
    """A random backup key, wrapped under `key`, encrypts the vault's archive chunk by chunk."""
    backup_key = AESGCM.generate_key(bit_length=256)
    wrap_nonce, prefix = os.urandom(12), os.urandom(7)
    header = {
        "version": VERSION,
        "protected_by": key.protected_by,
        "kdf": {"name": "argon2id", **asdict(key.kdf)},
        "salt": _b64(key.salt),
        "nonce": _b64(wrap_nonce),
        "prefix": _b64(prefix),
        "chunk": CHUNK,
        "wrapped_key": _b64(
            AESGCM(key.wrapping).encrypt(wrap_nonce, backup_key, b"clinic-app backup key")
        ),
    }
    header_bytes = json.dumps(header, sort_keys=True).encode()
    try:
        return _write_backup(vault, out, AESGCM(backup_key), prefix, header_bytes, progress)
    except OSError as exc:  # the copy made beside the vault: its disk is full or read-only
        raise VaultError(disk_error_sentence(exc, vault.folder)) from exc


def _write_backup(
    vault: Vault,
    out: Path,
    aead: AESGCM,
    prefix: bytes,
    header_bytes: bytes,
    progress: Progress | None,
) -> int:
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=vault.folder) as tmp:
        tar_path = _payload(vault, Path(tmp))
        total = tar_path.stat().st_size
        partial = out.with_name(out.name + ".partial")
        try:
            with open(tar_path, "rb") as source, open(partial, "wb") as sink:
                sink.write(MAGIC + struct.pack(">BI", VERSION, len(header_bytes)) + header_bytes)
                index, done = 0, 0
                chunk = source.read(CHUNK)
                while True:
                    following = source.read(CHUNK)
                    last = not following
                    sealed = aead.encrypt(_nonce(prefix, index, last), chunk, header_bytes)
                    sink.write(struct.pack(">I", len(sealed)) + sealed)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
                    if last:
                        break
                    chunk, index = following, index + 1
                sink.flush()
                os.fsync(sink.fileno())
            os.replace(partial, out)
            fsync_dir(out.parent)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise VaultError(disk_error_sentence(exc, out.parent)) from exc
        except BaseException:  # cancelled: never leave a partial copy behind
            partial.unlink(missing_ok=True)
            raise
    return out.stat().st_size


def _read_header(handle: io.BufferedReader) -> tuple[dict[str, object], bytes]:
    start = handle.read(len(MAGIC) + 5)
    if len(start) < len(MAGIC) + 5 or not start.startswith(MAGIC):
        raise UserError(_("That file is not a clinic-app backup."))
    version, length = struct.unpack(">BI", start[len(MAGIC) :])
    if version != VERSION or length > 65536:
        raise DamagedError(_("The backup has an unknown version or a damaged header."))
    header_bytes = handle.read(length)
    try:
        header = json.loads(header_bytes)
    except ValueError as exc:
        raise DamagedError(_("The backup's header is damaged.")) from exc
    return header, header_bytes


def _chunks(
    handle: io.BufferedReader, aead: AESGCM, prefix: bytes, header_bytes: bytes
) -> Iterator[bytes]:
    index = 0
    while True:
        size_bytes = handle.read(4)
        if len(size_bytes) < 4:
            raise DamagedError(_("The backup is cut short: it was not copied completely."))
        (size,) = struct.unpack(">I", size_bytes)
        sealed = handle.read(size)
        if len(sealed) < size:
            raise DamagedError(_("The backup is cut short: it was not copied completely."))
        for last in (False, True):
            try:
                yield aead.decrypt(_nonce(prefix, index, last), sealed, header_bytes)
            except InvalidTag:
                continue
            if last:
                if handle.read(1):
                    raise DamagedError(
                        _("The backup has extra data after its end; it was altered.")
                    )
                return
            break
        else:
            raise DamagedError(_("The backup has been altered or damaged; it cannot be restored."))
        index += 1


_ALLOWED_TOP = {META_NAME, SLOTS_NAME, DB_NAME}


def _safe_member(member: tarfile.TarInfo) -> bool:
    parts = Path(member.name).parts
    if not member.isfile() or member.name.startswith("/") or ".." in parts:
        return False
    # Backups made before templates were sealed hold them as plain files; opening the restored
    # vault moves them into the file store (vault/plain_templates.py).
    if len(parts) == 3 and parts[0] == TEMPLATES_DIR:
        name = parts[2]
        return bool(
            LANGUAGE.match(parts[1]) and name.endswith(".docx") and TEMPLATE_ID.match(name[:-5])
        )
    return member.name in _ALLOWED_TOP or (
        len(parts) == 3 and parts[0] == FILES_DIR and parts[2].isalnum()
    )


def _make_private(folder: Path) -> None:
    """Only the person's own account may read a restored vault, as with a new one (700/600);
    a tar keeps the modes the umask gave, often 755/644."""
    if os.name != "posix":
        return
    folder.chmod(0o700)
    for path in folder.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)


def unpack_backup(
    backup: Path,
    staging: Path,
    *,
    passphrase: str | None = None,
    key: BackupKey | None = None,
    progress: Progress | None = None,
) -> Path:
    """Decrypt a backup with its passphrase (or a plan's stored key) and unpack the vault it
    holds into `staging`/vault; the caller opens and checks it."""
    try:
        handle = open(backup, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise UserError(read_error_sentence(exc, backup)) from exc
    with handle:
        header, header_bytes = _read_header(handle)
        backup_key, prefix = _unwrap(header, passphrase, key)
        tar_path = staging / "payload.tar"
        total = Path(backup).stat().st_size
        with open(tar_path, "wb") as sink:
            for piece in _chunks(handle, AESGCM(backup_key), prefix, header_bytes):
                sink.write(piece)
                if progress:
                    progress(handle.tell(), total)
    folder = staging / "vault"
    folder.mkdir()
    with tarfile.open(tar_path) as tar:
        members = tar.getmembers()
        if any(not _safe_member(m) for m in members) or not {DB_NAME, SLOTS_NAME} <= {
            m.name for m in members
        }:
            raise DamagedError(_("The backup's contents are not a vault."))
        tar.extractall(folder, members=members, filter="data")
    tar_path.unlink()
    return folder


def _unwrap(
    header: dict[str, object], passphrase: str | None, key: BackupKey | None
) -> tuple[bytes, bytes]:
    """The backup's random key and its chunk nonce prefix."""
    try:
        kdf = kdf_from_doc(dict(header["kdf"]))  # type: ignore[call-overload]
        salt = base64.b64decode(str(header["salt"]))
        if key is not None:
            if key.salt != salt or key.kdf != kdf:
                raise UnlockError(
                    _(
                        "This copy was made under an earlier backup passphrase; only that passphrase opens it."
                    )
                )
            wrapping = key.wrapping
        else:
            wrapping = kdf.derive(normalize_passphrase(passphrase or ""), salt)
        backup_key = AESGCM(wrapping).decrypt(
            base64.b64decode(str(header["nonce"])),
            base64.b64decode(str(header["wrapped_key"])),
            b"clinic-app backup key",
        )
        prefix = base64.b64decode(str(header["prefix"]))
        if len(prefix) != 7:
            raise ValueError("the chunk nonce prefix has the wrong length")
    except InvalidTag as exc:
        raise UnlockError(
            _("Wrong passphrase for this backup (it is protected by the {protected_by}).").format(
                protected_by=_(str(header.get("protected_by", "vault passphrase")))
            )
        ) from exc
    except (KeyError, ValueError, TypeError) as exc:
        raise DamagedError(_("The backup's header is damaged.")) from exc
    return backup_key, prefix


def restore_backup(
    *,
    backup: Path,
    target: Path,
    backup_passphrase: str,
    vault_passphrase: str | None = None,
    progress: Progress | None = None,
) -> None:
    """Restore into a new folder (never over an existing vault); checks the result before keeping it."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise UserError(
            _("{target} is a file, not a folder; restore into a new, empty folder.").format(
                target=target
            )
        )
    if is_vault(target) or (target.exists() and any(target.iterdir())):
        raise UserError(
            _("{target} already holds files; restore into a new, empty folder.").format(
                target=target
            )
        )
    try:
        open(backup, "rb").close()  # an unreadable file is the person's to fix: say so first
    except OSError as exc:
        raise UserError(read_error_sentence(exc, backup)) from exc
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=target.parent))
    except OSError as exc:
        raise VaultError(disk_error_sentence(exc, target)) from exc
    try:
        folder = unpack_backup(
            Path(backup), staging, passphrase=backup_passphrase, progress=progress
        )
        _make_private(folder)
        opened = Vault.open(
            folder,
            vault_passphrase if vault_passphrase is not None else backup_passphrase,
            adopt_head=True,  # a backup is older by design: the restored vault starts its own
        )
        try:
            from clinic_app.services.check import check_vault

            problems = check_vault(opened).problems
            if problems:
                raise DamagedError(
                    _("The restored vault fails its check: {problems}.").format(
                        problems="; ".join(problems)
                    )
                )
            with opened.session() as session:
                audit.record(session, action="restore", record_kind="vault")
        finally:
            opened.close()
        (folder / "vault.lock").unlink(missing_ok=True)
        if target.exists():
            target.rmdir()
        os.replace(folder, target)
        fsync_dir(target.parent)
    except OSError as exc:
        raise VaultError(disk_error_sentence(exc, target.parent)) from exc
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)


__all__ = [
    "backup_vault",
    "key_pragma",
    "restore_backup",
    "unpack_backup",
    "write_sealed_backup",
]
