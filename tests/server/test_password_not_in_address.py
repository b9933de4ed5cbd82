"""A password written into a clinic server's address is refused before it is used, saved or
repeated: the address is saved on the laptop, shown in process lists and repeated in messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from clinic_app.errors import VaultError
from clinic_app.paths import config_dir
from clinic_app.store.postgres import server_url
from tests.cli.conftest import assert_ok, assert_one_line_error, run_cli
from tests.server.conftest import ADMIN, ADMIN_PASSWORD, PASSWORD, ClinicServer, person_env
from tests.server.desktop_helpers import LEFT, connect, start_screen

SECRET = "Typed-Into-The-Address-7"
LOGIN = "att_address"


@pytest.fixture(scope="module")
def attorney(clinic_server: ClinicServer) -> str:
    added = run_cli(
        *("server", "adduser", LOGIN, "--role", "attorney", "--password-stdin"),
        env=person_env(clinic_server, ADMIN, ADMIN_PASSWORD),
        stdin=PASSWORD + "\n",
    )
    assert_ok(added)
    return LOGIN


@pytest.mark.parametrize(
    "address",
    [
        f"postgresql://rosa:{SECRET}@clinic.example.org:5432/clinic?sslrootcert=ca.crt",
        f"postgresql://clinic.example.org/clinic?sslrootcert=ca.crt&password={SECRET}",
        f"mysql://rosa:{SECRET}@clinic.example.org/clinic",
    ],
)
def test_an_address_holding_a_password_is_refused_without_repeating_it(address: str) -> None:
    with pytest.raises(VaultError) as caught:
        server_url(address, "rosa")
    assert "holds a password" in caught.value.message
    assert SECRET not in caught.value.message


def test_the_desktop_refuses_an_address_with_a_password_and_saves_nothing(
    qtbot: Any, tmp_path: Path, clinic_server: ClinicServer, attorney: str
) -> None:
    launcher = start_screen(qtbot, tmp_path)
    unlock = launcher.start.unlock
    qtbot.mouseClick(unlock.server_choice, LEFT)
    panel = unlock.server_panel
    address = clinic_server.url.split("?", 1)[0].replace("://", f"://{attorney}:{PASSWORD}@", 1)
    qtbot.keyClicks(panel.url, address)
    qtbot.keyClicks(panel.ca_file, str(clinic_server.folder / "clinic-ca.crt"))
    qtbot.keyClicks(panel.user, attorney)
    connect(qtbot, panel, PASSWORD)
    qtbot.waitUntil(lambda: panel.connect_button.isEnabled(), timeout=60_000)
    assert "holds a password" in panel.message.text()
    assert PASSWORD not in panel.message.text()
    assert launcher.controller is None  # nothing connected
    saved = config_dir() / "window.ini"
    assert not saved.exists() or PASSWORD not in saved.read_text(encoding="utf-8")
    launcher.close()


def test_the_command_line_refuses_an_address_with_a_password(clinic_server: ClinicServer) -> None:
    address = clinic_server.url_for(ADMIN).replace(f"{ADMIN}@", f"{ADMIN}:{ADMIN_PASSWORD}@", 1)
    env = person_env(clinic_server, ADMIN, ADMIN_PASSWORD)
    # An account command (the password also in the environment, as a script would have it).
    refused = run_cli("server", "users", "--url", address, env=env)
    line = assert_one_line_error(refused, 1, "--url holds a password", "CLINIC_APP_PASSWORD")
    assert ADMIN_PASSWORD not in line
    # A records command, the address in $CLINIC_APP_SERVER.
    refused = run_cli("clients", env={**env, "CLINIC_APP_SERVER": address})
    line = assert_one_line_error(refused, 1, "holds a password")
    assert ADMIN_PASSWORD not in line
