"""Key slots: the random data key, wrapped with AES-256-GCM under Argon2id-derived keys."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from clinic_app.errors import ClinicError, DamagedError, UnlockError, VaultError
from clinic_app.i18n import _
from clinic_app.vault.fsutil import atomic_write

FORMAT = 1
KEY_BYTES = 32
PASSPHRASE = "passphrase"
RECOVERY = "recovery"
# The key automatic backups are sealed under (Argon2id of their passphrase), wrapped under the
# data key: backups run when nobody is there to type a passphrase.
BACKUP = "backup"
MIN_PASSPHRASE = 8
# Base32 without the look-alikes a person misreads when typing a printed code back in.
_CODE_FIXES = str.maketrans({"0": "O", "1": "I", "8": "B"})


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost; stored with each slot so later vaults can raise it without breaking old ones."""

    memory_kib: int = 256 * 1024  # about half a second on a 2-core laptop (see bench/)
    iterations: int = 3
    lanes: int = 4

    def derive(self, secret: bytes, salt: bytes) -> bytes:
        ahead = _take_ahead(secret, salt, self)
        if ahead is not None:
            return ahead
        kdf = Argon2id(
            salt=salt,
            length=KEY_BYTES,
            iterations=self.iterations,
            lanes=self.lanes,
            memory_cost=self.memory_kib,
        )
        return kdf.derive(secret)


DEFAULT_KDF = KdfParams()

# One derivation done ahead of an open (derive_ahead): the desktop starts the key derivation the
# moment "Unlock" is pressed, while the database code may still be loading, and the open that
# follows takes the result instead of deriving again. One at a time, taken once.
_ahead: tuple[bytes, bytes, KdfParams, bytes] | None = None  # secret digest, salt, cost, key
_ahead_lock = threading.Lock()


def _digest(secret: bytes) -> bytes:
    return hashlib.sha256(secret).digest()


def _take_ahead(secret: bytes, salt: bytes, kdf: KdfParams) -> bytes | None:
    global _ahead
    with _ahead_lock:
        if _ahead is None or _ahead[:3] != (_digest(secret), salt, kdf):
            return None
        key, _ahead = _ahead[3], None
        return key


def derive_ahead(slots_path: Path, passphrase: str) -> None:
    """Derive now the key of the passphrase slot in `slots_path`, for the next open with that
    passphrase. A missing or damaged file is left for the open to report."""
    global _ahead
    secret = normalize_passphrase(passphrase)
    try:
        slot = KeySlotFile.load(slots_path).find(PASSPHRASE)
        if slot is None:
            return
        kdf, salt = slot.params(), _unb64(slot.salt)
    except (ClinicError, ValueError):
        return
    key = kdf.derive(secret, salt)
    with _ahead_lock:
        _ahead = (_digest(secret), salt, kdf, key)


def forget_ahead() -> None:
    """Drop a derivation done ahead that no open took (another folder, a key change resumed)."""
    global _ahead
    with _ahead_lock:
        _ahead = None


# Far above any cost the app sets, far below what would exhaust or hang a laptop: a key slot file
# or backup header altered to ask for more is damaged, not a reason to try.
MAX_MEMORY_KIB = 4 * 1024 * 1024
MAX_ITERATIONS = 64
MAX_LANES = 64


def kdf_from_doc(doc: Any) -> KdfParams:
    """The Argon2id cost a stored document (key slot, backup header) names; ValueError when it is
    incomplete or not a sane cost."""
    try:
        memory, iterations, lanes = (int(doc[k]) for k in ("memory_kib", "iterations", "lanes"))
    except (KeyError, TypeError, OverflowError) as exc:
        raise ValueError("incomplete key derivation settings") from exc
    if not (
        1 <= lanes <= MAX_LANES
        and 1 <= iterations <= MAX_ITERATIONS
        and 8 * lanes <= memory <= MAX_MEMORY_KIB
    ):
        raise ValueError("key derivation settings out of range")
    return KdfParams(memory_kib=memory, iterations=iterations, lanes=lanes)


def subkey(data_key: bytes, purpose: str) -> bytes:
    """A key for one purpose (database, file store, audit chain...) derived from the data key."""
    return HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_BYTES,
        salt=None,
        info=f"clinic-app/{purpose}".encode(),
    ).derive(data_key)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    raw = base64.b64decode(text.encode("ascii"), validate=True)
    if _b64(raw) != text:  # another spelling of the same bytes: the file was altered all the same
        raise ValueError("not canonical base64")
    return raw


def check_new_passphrase(passphrase: str) -> None:
    # Spaces do not count: eight spaces would otherwise pass as a passphrase.
    if len("".join(passphrase.split())) < MIN_PASSPHRASE:
        raise VaultError(
            _("The passphrase must have at least {minimum} characters besides spaces.").format(
                minimum=MIN_PASSPHRASE
            )
        )


def normalize_passphrase(passphrase: str) -> bytes:
    # NFC so that "é" typed on different keyboards unlocks the same vault.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def new_recovery_code() -> str:
    """160 random bits as eight groups of four base32 characters."""
    raw = base64.b32encode(secrets.token_bytes(20)).decode("ascii")
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalize_recovery_code(code: str) -> bytes:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum()).translate(_CODE_FIXES)
    return cleaned.encode("ascii", errors="replace")


@dataclass
class KeySlot:
    """One wrapped copy of the data key."""

    id: str
    kind: str
    kdf: dict[str, Any]
    salt: str
    nonce: str
    wrapped: str
    mac: str = ""

    def aad(self, vault_id: str) -> bytes:
        header = {
            "vault": vault_id,
            "id": self.id,
            "kind": self.kind,
            "kdf": self.kdf,
            "salt": self.salt,
        }
        return json.dumps(header, sort_keys=True).encode()

    def params(self) -> KdfParams:
        if not isinstance(self.kdf, dict):
            raise DamagedError(_("The key slot file is damaged; restore the vault from a backup."))
        if self.kdf.get("name") != "argon2id":
            raise DamagedError(
                _("The key slot file names an unknown key derivation; it may be damaged.")
            )
        try:
            return kdf_from_doc(self.kdf)
        except ValueError as exc:  # an incomplete or absurd cost
            raise DamagedError(
                _("The key slot file is damaged; restore the vault from a backup.")
            ) from exc

    def body_for_mac(self) -> bytes:
        body = asdict(self)
        body.pop("mac")
        return json.dumps(body, sort_keys=True).encode()


def make_slot(
    *, slot_id: str, kind: str, secret: bytes, data_key: bytes, vault_id: str, kdf: KdfParams
) -> KeySlot:
    salt = os.urandom(16)
    kdf_doc = {"name": "argon2id", **asdict(kdf)}
    slot = KeySlot(id=slot_id, kind=kind, kdf=kdf_doc, salt=_b64(salt), nonce="", wrapped="")
    nonce = os.urandom(12)
    wrapping_key = kdf.derive(secret, salt)
    slot.nonce = _b64(nonce)
    slot.wrapped = _b64(AESGCM(wrapping_key).encrypt(nonce, data_key, slot.aad(vault_id)))
    slot.mac = _slot_mac(slot, data_key)
    return slot


def _slot_mac(slot: KeySlot, data_key: bytes) -> str:
    return _b64(
        hmac.new(subkey(data_key, "keyslot-mac"), slot.body_for_mac(), hashlib.sha256).digest()
    )


@dataclass(frozen=True)
class BackupKey:
    """What sealing and opening automatic backups needs: Argon2id of their passphrase, and the
    salt and cost a backup's header names so that passphrase opens it by hand too."""

    wrapping: bytes
    salt: bytes
    kdf: KdfParams
    own: bool  # the backups' own passphrase, else the vault's

    @property
    def protected_by(self) -> str:
        return "backup passphrase" if self.own else "vault passphrase"


def make_backup_slot(
    *, secret: bytes, own: bool, data_key: bytes, vault_id: str, kdf: KdfParams
) -> KeySlot:
    """A slot keeping Argon2id(secret) wrapped under a key derived from the data key."""
    salt = os.urandom(16)
    kdf_doc = {"name": "argon2id", **asdict(kdf)}
    slot = KeySlot(
        id="backup-own" if own else "backup-vault",
        kind=BACKUP,
        kdf=kdf_doc,
        salt=_b64(salt),
        nonce="",
        wrapped="",
    )
    nonce = os.urandom(12)
    wrapping = kdf.derive(secret, salt)
    sealer = AESGCM(subkey(data_key, "backup-slot"))
    slot.nonce = _b64(nonce)
    slot.wrapped = _b64(sealer.encrypt(nonce, wrapping, slot.aad(vault_id)))
    slot.mac = _slot_mac(slot, data_key)
    return slot


def open_backup_slot(slot: KeySlot, data_key: bytes, vault_id: str) -> BackupKey:
    try:
        wrapping = AESGCM(subkey(data_key, "backup-slot")).decrypt(
            _unb64(slot.nonce), _unb64(slot.wrapped), slot.aad(vault_id)
        )
        return BackupKey(
            wrapping=wrapping,
            salt=_unb64(slot.salt),
            kdf=slot.params(),
            own=slot.id == "backup-own",
        )
    except (InvalidTag, ValueError) as exc:
        raise DamagedError(
            _("The backup key slot is damaged or was altered; set the backup passphrase again.")
        ) from exc


def rewrap_backup_slot(slot: KeySlot, old_key: bytes, new_key: bytes, vault_id: str) -> KeySlot:
    """The same backup slot (same passphrase, salt and cost) sealed under a new data key."""
    key = open_backup_slot(slot, old_key, vault_id)
    moved = KeySlot(
        id=slot.id, kind=BACKUP, kdf=dict(slot.kdf), salt=slot.salt, nonce="", wrapped=""
    )
    nonce = os.urandom(12)
    sealer = AESGCM(subkey(new_key, "backup-slot"))
    moved.nonce = _b64(nonce)
    moved.wrapped = _b64(sealer.encrypt(nonce, key.wrapping, moved.aad(vault_id)))
    moved.mac = _slot_mac(moved, new_key)
    return moved


def try_unwrap(slot: KeySlot, secret: bytes, vault_id: str) -> bytes | None:
    """The data key if `secret` opens this slot, else None."""
    try:
        wrapping_key = slot.params().derive(secret, _unb64(slot.salt))
        return AESGCM(wrapping_key).decrypt(
            _unb64(slot.nonce), _unb64(slot.wrapped), slot.aad(vault_id)
        )
    except (InvalidTag, ValueError):
        return None


_TOP_LEVEL_KEYS = frozenset({"format", "vault_id", "slots", "epoch", "epoch_mac"})


@dataclass
class KeySlotFile:
    """The key slot file of one vault (keyslots.json)."""

    vault_id: str
    slots: list[KeySlot] = field(default_factory=list)
    # Raised by every passphrase or recovery-code change; the head record remembers the newest,
    # so an older copy of this file put back is noticed (see head.py). Absent in older vaults: 0.
    epoch: int = 0
    epoch_mac: str = ""

    @classmethod
    def load(cls, path: Path) -> KeySlotFile:
        try:
            doc = json.loads(path.read_text("utf-8"))
            if doc.get("format") != FORMAT:
                raise DamagedError(
                    _("The key slot file {name} has an unknown format.").format(name=path.name)
                )
            # A name the app never writes means the file was changed (a renamed "epoch_mac"
            # would otherwise read as a file from before key epochs).
            if not set(doc) <= _TOP_LEVEL_KEYS:
                raise ValueError("unknown key in the key slot file")
            slots = [KeySlot(**slot) for slot in doc["slots"]]
            return cls(
                vault_id=str(doc["vault_id"]),
                slots=slots,
                epoch=int(doc.get("epoch", 0)),
                epoch_mac=str(doc.get("epoch_mac", "")),
            )
        except FileNotFoundError as exc:
            raise UnlockError(
                _("No key slot file in {parent}; this is not a vault folder.").format(
                    parent=path.parent
                )
            ) from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise DamagedError(
                _("The key slot file {name} is damaged; restore the vault from a backup.").format(
                    name=path.name
                )
            ) from exc

    def save(self, path: Path) -> None:
        doc = {
            "format": FORMAT,
            "vault_id": self.vault_id,
            "slots": [asdict(s) for s in self.slots],
            "epoch": self.epoch,
            "epoch_mac": self.epoch_mac,
        }
        atomic_write(path, json.dumps(doc, indent=2).encode("utf-8"))

    def unlock(self, secret: bytes, kind: str) -> bytes:
        """The data key from the first slot of `kind` that `secret` opens."""
        for slot in self.slots:
            if slot.kind == kind:
                key = try_unwrap(slot, secret, self.vault_id)
                if key is not None:
                    return key
        if kind == RECOVERY:
            raise UnlockError(_("That recovery code does not open this vault."))
        raise UnlockError(_("Wrong passphrase for this vault."))

    def find(self, kind: str) -> KeySlot | None:
        return next((s for s in self.slots if s.kind == kind), None)

    def remove(self, kind: str) -> None:
        self.slots = [s for s in self.slots if s.kind != kind]

    def replace(self, kind: str, slot: KeySlot) -> None:
        """Put `slot` in place of the slots of its kind (changing a passphrase rewrites one slot)."""
        self.slots = [s for s in self.slots if s.kind != kind] + [slot]

    def _epoch_digest(self, data_key: bytes) -> str:
        body = f"{self.vault_id}:epoch:{self.epoch}".encode()
        return _b64(hmac.new(subkey(data_key, "keyslot-mac"), body, hashlib.sha256).digest())

    def next_epoch(self, data_key: bytes) -> None:
        self.epoch += 1
        self.epoch_mac = self._epoch_digest(data_key)

    def epoch_ok(self, data_key: bytes) -> bool:
        """The epoch is the one the data key's holder wrote (0 needs no proof: it is the lowest)."""
        return self.epoch == 0 or hmac.compare_digest(self.epoch_mac, self._epoch_digest(data_key))

    def verify(self, data_key: bytes) -> list[str]:
        """Problems found in the slots, given the correct data key."""
        problems = []
        if not self.epoch_ok(data_key):
            problems.append("the key-slot file's key epoch has been altered")
        mac_key = subkey(data_key, "keyslot-mac")
        kinds = {s.kind for s in self.slots}
        for slot in self.slots:
            expected = hmac.new(mac_key, slot.body_for_mac(), hashlib.sha256).digest()
            try:
                ok = hmac.compare_digest(expected, _unb64(slot.mac))
            except ValueError:
                ok = False
            if not ok:
                problems.append(f"key slot '{slot.id}' has been altered or damaged")
        for needed in (PASSPHRASE, RECOVERY):
            if needed not in kinds:
                problems.append(f"the {needed} key slot is missing")
        return problems
