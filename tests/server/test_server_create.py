"""`clinic-app server create/start/stop/status`: a real cluster, TLS verified, SCRAM only."""

from __future__ import annotations

import stat
from pathlib import Path

import psycopg
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from clinic_app.server import tls
from tests.cli.conftest import assert_ok, assert_one_line_error, make_env, run_cli
from tests.server.conftest import ADMIN, ADMIN_PASSWORD, ClinicServer, free_port


def test_create_prints_a_url_that_connects_over_verified_tls(clinic_server: ClinicServer) -> None:
    folder = clinic_server.folder
    ca = folder / "clinic-ca.crt"
    assert clinic_server.url == (
        f"postgresql://localhost:{clinic_server.port}/clinic?sslrootcert={ca}"
    )
    digest = x509.load_pem_x509_certificate(ca.read_bytes()).fingerprint(hashes.SHA256())
    assert clinic_server.fingerprint == digest.hex(":").upper()
    # The printed URL as a laptop uses it: libpq's verify-full checks the chain and the name.
    with psycopg.connect(
        clinic_server.url_for(ADMIN), password=ADMIN_PASSWORD, sslmode="verify-full"
    ) as conn:
        row = conn.execute(
            "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
        ).fetchone()
        assert row is not None and row[0] is True, row
        assert conn.execute("SHOW password_encryption").fetchone() == ("scram-sha-256",)
        assert conn.info.user == ADMIN
        # Not even an admin account reads the stored password verifiers.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT rolpassword FROM pg_authid")


def test_keys_are_private_and_only_tls_with_scram_is_accepted(
    clinic_server: ClinicServer, tmp_path: Path
) -> None:
    folder = clinic_server.folder
    for key in (folder / "clinic-ca.key", folder / "pgdata" / "server.key"):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600, key
    hba = [
        line.split()
        for line in (folder / "pgdata" / "pg_hba.conf").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert {line[0] for line in hba} == {"local", "hostssl"}
    assert all(line[-1] == "scram-sha-256" for line in hba if line[0] == "hostssl")
    # Without TLS: no pg_hba.conf line matches, refused before any password is asked.
    with pytest.raises(psycopg.OperationalError, match=r"no pg_hba\.conf entry"):
        psycopg.connect(
            clinic_server.url_for(ADMIN), password=ADMIN_PASSWORD, sslmode="disable"
        ).close()
    # A name the certificate does not carry fails verify-full, though the address is right.
    with pytest.raises(psycopg.OperationalError, match="does not match host name"):
        psycopg.connect(
            clinic_server.url_for(ADMIN).replace("localhost", "clinic-elsewhere.test", 1),
            hostaddr="127.0.0.1",
            password=ADMIN_PASSWORD,
            sslmode="verify-full",
        ).close()
    # A certificate from another CA (a server pretending to be the clinic's) is refused.
    other = tmp_path / "other-ca.crt"
    other.write_bytes(tls.issue("other", ["localhost"]).ca_cert)
    with pytest.raises(psycopg.OperationalError, match="certificate verify failed"):
        psycopg.connect(
            clinic_server.url_for(ADMIN).split("?")[0],
            sslrootcert=str(other),
            password=ADMIN_PASSWORD,
            sslmode="verify-full",
        ).close()


def test_status_stop_start(clinic_server: ClinicServer) -> None:
    folder, env = clinic_server.folder, clinic_server.env
    status = assert_ok(run_cli("server", "status", folder, env=env))
    assert "is running" in status.stdout and clinic_server.url in status.stdout
    assert clinic_server.fingerprint in status.stdout
    assert "has stopped" in assert_ok(run_cli("server", "stop", folder, env=env)).stdout
    stopped = run_cli("server", "status", folder, env=env)
    assert stopped.returncode == 1 and "is not running" in stopped.stdout, stopped
    with pytest.raises(psycopg.OperationalError):
        clinic_server.admin().close()
    assert "is running" in assert_ok(run_cli("server", "start", folder, env=env)).stdout
    assert "already running" in assert_ok(run_cli("server", "start", folder, env=env)).stdout
    with clinic_server.admin() as conn:
        assert conn.execute("SELECT current_user").fetchone() == (ADMIN,)


@pytest.mark.parametrize(
    ("flags", "needle"),
    [
        (["--port", "70000"], "--port"),
        (["--db", "Clinic-DB"], "--db"),
        (["--admin", "Ana Ruiz"], "--admin"),
        (["--host-name", "bad name!"], "--host-name"),
    ],
)
def test_create_refuses_bad_flags_and_writes_nothing(
    server_base: Path, tmp_path: Path, flags: list[str], needle: str
) -> None:
    folder = server_base / f"refused-{tmp_path.name}"
    run = run_cli(
        "server",
        "create",
        folder,
        *flags,
        "--password-stdin",
        env=make_env(tmp_path, passphrase=None),
        stdin="a-long-enough-password\n",
    )
    assert_one_line_error(run, 1, needle)
    assert not folder.exists()


def test_create_refuses_a_short_password_or_a_used_folder(
    server_base: Path, tmp_path: Path, clinic_server: ClinicServer
) -> None:
    env = make_env(tmp_path, passphrase=None)
    folder = server_base / f"short-{tmp_path.name}"
    port = str(free_port())
    run = run_cli(
        "server", "create", folder, "--port", port, "--password-stdin", env=env, stdin="short\n"
    )
    assert_one_line_error(run, 1, "at least 12 characters")
    assert not folder.exists()
    before = sorted(p.name for p in clinic_server.folder.iterdir())
    run = run_cli(
        "server", "create", clinic_server.folder, "--password-stdin", env=env, stdin="x" * 20 + "\n"
    )
    assert_one_line_error(run, 1, "already holds files", "DATADIR")
    assert sorted(p.name for p in clinic_server.folder.iterdir()) == before
    # The port the clinic server already listens on.
    folder = server_base / f"busy-{tmp_path.name}"
    run = run_cli(
        "server",
        "create",
        folder,
        "--port",
        str(clinic_server.port),
        "--listen",
        "127.0.0.1",
        "--password-stdin",
        env=env,
        stdin="x" * 20 + "\n",
    )
    assert_one_line_error(run, 1, "already in use", "--port")
    assert not folder.exists()
    run = run_cli("server", "status", server_base / "nowhere", env=env)
    assert_one_line_error(run, 1, "not a clinic server folder", "server create")
