"""`clinic-app server passwd` and `server renew-cert` through the real console script."""

from __future__ import annotations

import socket
import ssl
import struct
from pathlib import Path

import docx
import psycopg
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests.cli.conftest import assert_ok, assert_one_line_error, run_cli
from tests.server.conftest import ADMIN, ADMIN_PASSWORD, PASSWORD, ClinicServer, person_env


def _served_certificate(server: ClinicServer) -> bytes:
    """The certificate the server presents now (PostgreSQL's SSLRequest, then a TLS handshake
    checked against the clinic CA file laptops have)."""
    context = ssl.create_default_context(cafile=str(server.folder / "clinic-ca.crt"))
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        raw.sendall(struct.pack("!ii", 8, 80877103))
        assert raw.recv(1) == b"S"
        with context.wrap_socket(raw, server_hostname="localhost") as tls_socket:
            served = tls_socket.getpeercert(binary_form=True)
    assert served is not None
    return served


NEW_PASSWORD = "a-new-password-of-her-own"
RESET_PASSWORD = "reset-by-the-admin-123"


def _seal_a_template(server: ClinicServer, login: str, folder: Path) -> bytes:
    """`login` seals a .docx in the server's file store (encrypted under the clinic key)."""
    source = folder / "carta.docx"
    document = docx.Document()
    document.add_paragraph("Estimada {{ client.first_name }}:")
    document.save(str(source))
    added = run_cli(
        *("template-add", source, "--id", "client-cierre", "--lang", "es"),
        env=person_env(server, login),
    )
    assert_ok(added)
    return source.read_bytes()


def _read_sealed(server: ClinicServer, login: str, password: str, out: Path) -> bytes:
    copied = run_cli(
        *("template-copy", "client-cierre", "--lang", "es", "--out", out),
        env=person_env(server, login, password),
    )
    assert_ok(copied)
    return out.read_bytes()


def test_a_person_changes_their_password_and_an_admin_resets_it(
    clinic_server: ClinicServer, tmp_path: Path
) -> None:
    admin = person_env(clinic_server, ADMIN, ADMIN_PASSWORD)
    assert_ok(
        run_cli(
            *("server", "adduser", "pia_pw", "--role", "paralegal", "--password-stdin"),
            env=admin,
            stdin=PASSWORD + "\n",
        )
    )
    sealed = _seal_a_template(clinic_server, "pia_pw", tmp_path)

    # Her own change: the current password from the environment, the new one on stdin.
    changed = run_cli(
        "server", "passwd", "--password-stdin", env=person_env(clinic_server, "pia_pw"),
        stdin=NEW_PASSWORD + "\n",
    )  # fmt: skip
    assert "Your password is changed (pia_pw)" in assert_ok(changed).stdout
    old = run_cli("clients", env=person_env(clinic_server, "pia_pw"))
    assert_one_line_error(old, 3, "refused the password")
    # The new password logs in and opens the sealed file: her key slot was rewrapped with it.
    assert _read_sealed(clinic_server, "pia_pw", NEW_PASSWORD, tmp_path / "a.docx") == sealed

    # She forgets it: an admin resets it, wrapping the admin's copy of the clinic key for it.
    reset = run_cli(
        "server", "passwd", "pia_pw", "--password-stdin", env=admin, stdin=RESET_PASSWORD + "\n"
    )
    assert "password of pia_pw is reset" in assert_ok(reset).stdout
    assert _read_sealed(clinic_server, "pia_pw", RESET_PASSWORD, tmp_path / "b.docx") == sealed
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        clinic_server.connect("pia_pw", NEW_PASSWORD).close()
    audit = assert_ok(run_cli("audit", "--json", env=admin)).json()
    changes = [(e["actor"], e["action"]) for e in audit if e["summary"] == "pia_pw"]
    assert changes[:2] == [(ADMIN, "account.password_reset"), ("pia_pw", "account.password")]


def test_only_an_admin_resets_someone_else_and_a_wrong_password_changes_nothing(
    clinic_server: ClinicServer,
) -> None:
    admin = person_env(clinic_server, ADMIN, ADMIN_PASSWORD)
    for login in ("ola_pw", "rui_pw"):
        assert_ok(
            run_cli(
                *("server", "adduser", login, "--role", "attorney", "--password-stdin"),
                env=admin,
                stdin=PASSWORD + "\n",
            )
        )
    refused = run_cli(
        "server", "passwd", "rui_pw", "--password-stdin", env=person_env(clinic_server, "ola_pw"),
        stdin=RESET_PASSWORD + "\n",
    )  # fmt: skip
    assert_one_line_error(refused, 1, "Only a clinic admin", "leave out NAME")
    wrong = run_cli(
        "server", "passwd", "--password-stdin",
        env=person_env(clinic_server, "ola_pw", "not-her-password"), stdin=RESET_PASSWORD + "\n",
    )  # fmt: skip
    assert_one_line_error(wrong, 3, "refused the password")
    short = run_cli(
        "server", "passwd", "--password-stdin", env=person_env(clinic_server, "ola_pw"),
        stdin="short\n",
    )  # fmt: skip
    assert_one_line_error(short, 1, "too short", "12")
    for login in ("ola_pw", "rui_pw"):  # both still log in with the password they had
        assert_ok(run_cli("clients", env=person_env(clinic_server, login)))
    audit = assert_ok(run_cli("audit", "--json", env=admin)).json()
    assert not [e for e in audit if e["action"].startswith("account.password")
                and e["summary"] in ("ola_pw", "rui_pw")]  # fmt: skip


def test_renew_cert_keeps_the_ca_and_the_server_switches_at_once(
    clinic_server: ClinicServer,
) -> None:
    pgdata = clinic_server.folder / "pgdata"
    before = x509.load_pem_x509_certificate((pgdata / "server.crt").read_bytes())
    renewed = assert_ok(
        run_cli("server", "renew-cert", clinic_server.folder, env=clinic_server.env)
    ).stdout
    assert clinic_server.fingerprint in renewed  # the same CA: laptops need nothing new
    after = x509.load_pem_x509_certificate((pgdata / "server.crt").read_bytes())
    assert after.serial_number != before.serial_number
    assert after.not_valid_after_utc > before.not_valid_after_utc
    assert after.extensions.get_extension_for_class(
        x509.SubjectAlternativeName
    ) == before.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    assert after.not_valid_after_utc.strftime("%Y-%m-%d") in renewed
    # The running server hands out the new certificate, and laptops' verify-full still passes.
    assert _served_certificate(clinic_server) == after.public_bytes(serialization.Encoding.DER)
    with clinic_server.admin() as conn:
        assert conn.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone()
    status = assert_ok(run_cli("server", "status", clinic_server.folder, env=clinic_server.env))
    assert f"valid until {after.not_valid_after_utc:%Y-%m-%d}" in status.stdout
