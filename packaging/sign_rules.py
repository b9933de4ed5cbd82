"""Build and sign a rule-update bundle that clinics install offline with `clinic-app rules update`.

    python packaging/sign_rules.py --new-key KEYFILE
        make the project's release key: the private half goes to KEYFILE (keep it offline,
        never in the repository); the public half is written to resources/keys/ and committed.
    python packaging/sign_rules.py --key KEYFILE --out rules-2027-01-15.cliniccrules \\
        [--issued YYYY-MM-DD] [--note TEXT] PACK.toml [PACK.toml ...]
        check each pack as the app would, then sign them into one bundle.

The private key is only ever read from the path on the command line.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clinic_app.deadlines.bundles import key_id, sign_bundle
from clinic_app.deadlines.packs import parse_pack
from clinic_app.errors import UserError
from clinic_app.resources import resource_path


def new_key(private_path: Path, public_dir: Path) -> Path:
    """Write a new Ed25519 key pair: the private half to `private_path` (mode 600)."""
    if private_path.exists():
        raise UserError(f"{private_path} exists; choose a new path (a key is never overwritten).")
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(private)
    public = key.public_key()
    public_dir.mkdir(parents=True, exist_ok=True)
    out = public_dir / f"rules-{key_id(public)}.pub"
    out.write_bytes(
        public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return out


def load_private_key(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise UserError(f"{path} does not hold an Ed25519 private key.")
    return key


def build(
    pack_files: list[Path], key: Ed25519PrivateKey, out: Path, issued: date, note: str
) -> bytes:
    texts = {}
    for path in pack_files:
        text = path.read_text(encoding="utf-8")
        texts[parse_pack(text, str(path)).program] = text
    data = sign_bundle(texts, key, issued=issued, note=note)
    out.write_bytes(data)
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("packs", nargs="*", type=Path, metavar="PACK.toml")
    parser.add_argument("--key", type=Path, help="the private key file (PEM)")
    parser.add_argument("--new-key", type=Path, metavar="KEYFILE", help="make a release key")
    parser.add_argument("--public-dir", type=Path, default=resource_path("keys"))
    parser.add_argument("--out", type=Path, help="the bundle to write")
    parser.add_argument("--issued", default=date.today().isoformat(), metavar="YYYY-MM-DD")
    parser.add_argument("--note", default="", help="one sentence shown before installing")
    args = parser.parse_args(argv)
    try:
        if args.new_key:
            public = new_key(args.new_key, args.public_dir)
            print(f"Private key: {args.new_key} (keep it offline). Public key: {public}.")
            return 0
        if not (args.key and args.out and args.packs):
            parser.error("give --key, --out and at least one PACK.toml (or --new-key)")
        key = load_private_key(args.key)
        build(args.packs, key, args.out, date.fromisoformat(args.issued), args.note)
        print(
            f"Signed {len(args.packs)} pack(s) into {args.out} with key {key_id(key.public_key())}."
        )
        return 0
    except (UserError, OSError, ValueError) as exc:
        print(f"sign_rules: {getattr(exc, 'message', exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
