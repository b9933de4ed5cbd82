"""The clinic data key: made on a laptop, kept on the server only wrapped for each person.

Each person's slot wraps the key with AES-256-GCM under Argon2id(their password), as the vault's
key slots do, so the server (and a dump of it) holds nothing that opens the files by itself.
"""

from __future__ import annotations

import hashlib
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Connection, text

from clinic_app.errors import DamagedError, UnlockError
from clinic_app.i18n import _
from clinic_app.vault.keyslots import (
    DEFAULT_KDF,
    KEY_BYTES,
    KdfParams,
    kdf_from_doc,
    normalize_passphrase,
)


def new_key() -> bytes:
    """A fresh random clinic data key (made once, by `server create` / `server init`)."""
    return os.urandom(KEY_BYTES)


def key_id(data_key: bytes) -> str:
    """A short public name of a key, so a slot for another clinic's key is told apart."""
    return hashlib.sha256(b"clinic-app/key-id" + data_key).hexdigest()[:16]


def _aad(person: str, kdf: str, salt: bytes, ident: str) -> bytes:
    return json.dumps(
        {"person": person, "kdf": kdf, "salt": salt.hex(), "key": ident}, sort_keys=True
    ).encode()


def wrap_for(
    conn: Connection,
    person: str,
    password: str,
    data_key: bytes,
    *,
    kdf: KdfParams = DEFAULT_KDF,
) -> None:
    """Store (or replace) `person`'s slot: the clinic key wrapped under their password."""
    salt = os.urandom(16)
    nonce = os.urandom(12)
    params = json.dumps(
        {"memory_kib": kdf.memory_kib, "iterations": kdf.iterations, "lanes": kdf.lanes},
        sort_keys=True,
    )
    ident = key_id(data_key)
    wrapping = kdf.derive(normalize_passphrase(password), salt)
    wrapped = AESGCM(wrapping).encrypt(nonce, data_key, _aad(person, params, salt, ident))
    conn.execute(text("DELETE FROM clinic_key_slot WHERE person = :p"), {"p": person})
    conn.execute(
        text(
            "INSERT INTO clinic_key_slot (person, kdf, salt, nonce, wrapped, key_id) "
            "VALUES (:p, :kdf, :salt, :nonce, :wrapped, :key_id)"
        ),
        {
            "p": person,
            "kdf": params,
            "salt": salt,
            "nonce": nonce,
            "wrapped": wrapped,
            "key_id": ident,
        },
    )


def has_slot(conn: Connection, person: str) -> bool:
    row = conn.execute(
        text("SELECT 1 FROM clinic_key_slot WHERE person = :p"), {"p": person}
    ).first()
    return row is not None


def unwrap(conn: Connection, person: str, password: str) -> bytes:
    """The clinic key from `person`'s slot; UnlockError when they have none or it does not open."""
    row = conn.execute(
        text("SELECT kdf, salt, nonce, wrapped, key_id FROM clinic_key_slot WHERE person = :p"),
        {"p": person},
    ).first()
    if row is None:
        raise UnlockError(
            _(
                "The clinic server holds no file key for {person}; ask a clinic admin to reset the "
                "password with 'clinic-app server passwd {person}', which wraps the key for it."
            ).format(person=person)
        )
    params_text, salt, nonce, wrapped, ident = row
    try:
        kdf = kdf_from_doc(json.loads(params_text))
    except ValueError as exc:
        raise DamagedError(
            _(
                "The file key of {person} on the clinic server is damaged; ask a clinic admin to reset "
                "the password with 'clinic-app server passwd {person}'."
            ).format(person=person)
        ) from exc
    wrapping = kdf.derive(normalize_passphrase(password), bytes(salt))
    try:
        data_key = AESGCM(wrapping).decrypt(
            bytes(nonce), bytes(wrapped), _aad(person, params_text, bytes(salt), ident)
        )
    except InvalidTag as exc:
        raise UnlockError(
            _(
                "The file key of {person} does not open with this password (it was changed outside "
                "the app); ask a clinic admin to reset it with 'clinic-app server passwd {person}'."
            ).format(person=person)
        ) from exc
    if key_id(data_key) != ident:
        raise DamagedError(
            _("The file key of {person} on the clinic server was altered.").format(person=person)
        )
    return data_key
