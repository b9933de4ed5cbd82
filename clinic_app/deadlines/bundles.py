"""Signed rule updates: a file carrying new rule packs, signed with the project's Ed25519 key.

A bundle travels on a USB stick or by mail to laptops without internet. It is one JSON file:

    {"format": "clinic-app rule update", "version": 1, "key": KEY_ID,
     "payload": BASE64(JSON {"issued": "YYYY-MM-DD", "note": TEXT, "packs": {ID: TOML}}),
     "signature": BASE64(Ed25519 signature of the payload bytes)}

Only the payload's exact bytes are signed, so nothing inside can change without the signature
failing. The public halves of the keys the app trusts ship in resources/keys/*.pub (PEM); the
private half never leaves the release manager's machine (see packaging/sign_rules.py).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from clinic_app.deadlines.packs import parse_pack
from clinic_app.deadlines.rules import RulePack, RulePackError
from clinic_app.errors import UserError
from clinic_app.i18n import _
from clinic_app.os_errors import read_error_sentence
from clinic_app.resources import resource_path

FORMAT = "clinic-app rule update"
VERSION = 1
MAX_BYTES = 5 * 1024 * 1024


class RuleUpdateError(UserError):
    """A bundle that cannot be installed; the message is one sentence and nothing changed."""


@dataclass(frozen=True)
class Bundle:
    issued: date
    key_id: str
    note: str
    packs: Mapping[str, RulePack]  # program id -> pack
    texts: Mapping[str, str]  # program id -> the pack's TOML, as signed
    sha256: str  # of the whole file


def key_id(key: Ed25519PublicKey) -> str:
    """A short, stable name for a public key: the start of the SHA-256 of its raw bytes."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def load_public_key(data: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise RuleUpdateError(_("A rule-update key must be an Ed25519 public key."))
    return key


def trusted_keys() -> list[Ed25519PublicKey]:
    """The public keys shipped with the app (resources/keys/*.pub)."""
    folder = resource_path("keys")
    if not folder.is_dir():
        return []
    return [load_public_key(p.read_bytes()) for p in sorted(folder.glob("*.pub"))]


def sign_bundle(
    packs: Mapping[str, str], private_key: Ed25519PrivateKey, *, issued: date, note: str = ""
) -> bytes:
    """A bundle carrying these packs (program id -> TOML text), signed with `private_key`."""
    for program, text in packs.items():
        pack = parse_pack(text, f"{program}.toml")  # never sign a pack the app would refuse
        if pack.program != program:
            raise RulePackError(f"The pack given as '{program}' is for '{pack.program}'.")
    payload = json.dumps(
        {"issued": issued.isoformat(), "note": note, "packs": dict(sorted(packs.items()))},
        ensure_ascii=False,
        sort_keys=True,
    ).encode("utf-8")
    document = {
        "format": FORMAT,
        "version": VERSION,
        "key": key_id(private_key.public_key()),
        "payload": base64.b64encode(payload).decode("ascii"),
        "signature": base64.b64encode(private_key.sign(payload)).decode("ascii"),
    }
    return (json.dumps(document, indent=1) + "\n").encode("ascii")


def _refuse(name: str) -> RuleUpdateError:
    return RuleUpdateError(
        _(
            "{name} is not a rule update signed by the clinic-app project (unsigned, altered or damaged); nothing was changed."
        ).format(name=name)
    )


def read_bundle(path: Path, keys: Iterable[Ed25519PublicKey] | None = None) -> Bundle:
    """Check a bundle's signature against the trusted keys and read its packs."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RuleUpdateError(read_error_sentence(exc, path)) from None
    if len(data) > MAX_BYTES:
        raise _refuse(path.name)
    try:
        document = json.loads(data.decode("utf-8"))
        payload = base64.b64decode(document["payload"], validate=True)
        signature = base64.b64decode(document["signature"], validate=True)
        named = str(document["key"])
        if document["format"] != FORMAT or document["version"] != VERSION:
            raise ValueError("format")
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise _refuse(path.name) from None
    by_id = {key_id(k): k for k in (trusted_keys() if keys is None else keys)}
    key = by_id.get(named)
    if key is None:
        raise _refuse(path.name)
    try:
        key.verify(signature, payload)
    except InvalidSignature:
        raise _refuse(path.name) from None
    try:
        content = json.loads(payload.decode("utf-8"))
        issued = date.fromisoformat(content["issued"])
        texts = {str(k): str(v) for k, v in dict(content["packs"]).items()}
        note = str(content.get("note", ""))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise _refuse(path.name) from None
    if not texts:
        raise RuleUpdateError(
            _("{name} carries no rule packs; nothing was changed.").format(name=path.name)
        )
    packs = {}
    for program, text in texts.items():
        pack = parse_pack(text, f"{program}.toml")
        if pack.program != program:
            raise _refuse(path.name)
        packs[program] = pack
    return Bundle(
        issued=issued,
        key_id=named,
        note=note,
        packs=packs,
        texts=texts,
        sha256=hashlib.sha256(data).hexdigest(),
    )
