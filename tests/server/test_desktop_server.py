"""The desktop app on the clinic server, driven as a person does: connect from the start screen,
auto-lock ends the session and asks the password again, an unreachable server shows the one
sentence and the app carries on by itself once the server is back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench import load_setup
from clinic_app.paths import config_dir
from clinic_app.store.postgres import UNREACHABLE
from tests.cli.conftest import assert_ok, run_cli
from tests.server.conftest import ADMIN, ADMIN_PASSWORD, PASSWORD, ClinicServer, person_env
from tests.server.desktop_helpers import LEFT, a_last_name, connect, crashable, signed_in
from tests.ui.launch import opened_window, start_screen

__all__ = ["crashable"]  # the fixture: a server of this test's own, stopped hard below
LOGIN = "att_desk"


@pytest.fixture(scope="module")
def attorney(clinic_server: ClinicServer) -> str:
    added = run_cli(
        "server",
        "adduser",
        LOGIN,
        "--role",
        "attorney",
        "--password-stdin",
        env=person_env(clinic_server, ADMIN, ADMIN_PASSWORD),
        stdin=PASSWORD + "\n",
    )
    assert_ok(added)
    return LOGIN


def _sessions(server: ClinicServer, login: str) -> int:
    with server.admin() as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE usename = %s", (login,)
        ).fetchone()
    return int(row[0]) if row else 0


def test_connect_from_the_start_screen_and_auto_lock_asks_the_password_again(
    qtbot: Any, tmp_path: Path, clinic_server: ClinicServer, attorney: str
) -> None:
    launcher = start_screen(qtbot, tmp_path / "vault")
    unlock = launcher.start.unlock
    qtbot.mouseClick(unlock.server_choice, LEFT)
    panel = unlock.server_panel
    assert panel.isVisible() and not unlock.passphrase.isVisible()
    # Nothing typed: every missing detail is named at once, and nothing connects.
    qtbot.mouseClick(panel.connect_button, LEFT)
    qtbot.waitUntil(lambda: panel.connect_button.isEnabled() and panel.message.text() != "")
    for missing in ("server address", "your account name", "password"):
        assert missing in panel.message.text()
    assert launcher.controller is None

    address = clinic_server.url.split("?", 1)[0]  # the CA is given in its own field
    ca_file = clinic_server.folder / "clinic-ca.crt"
    qtbot.keyClicks(panel.url, address)
    qtbot.keyClicks(panel.ca_file, str(ca_file))
    qtbot.keyClicks(panel.user, attorney)
    connect(qtbot, panel, PASSWORD)
    window = opened_window(qtbot, launcher)
    assert not window.is_locked
    assert attorney in window.status_vault.text()
    assert _sessions(clinic_server, attorney) >= 1
    for page in window.pages:  # every screen opens on the server store
        window.show_page(page)
        qtbot.wait(50)
    # The address, CA file and name are remembered on this computer; the password is not.
    saved = (config_dir() / "window.ini").read_text(encoding="utf-8")
    assert address in saved and str(ca_file) in saved and attorney in saved
    assert PASSWORD not in saved

    window.set_autolock_minutes(0.002)  # about 120 ms without activity
    qtbot.waitUntil(lambda: window.is_locked, timeout=10_000)
    # The session ended: its connections are closed, and the server side asks the password.
    qtbot.waitUntil(lambda: _sessions(clinic_server, attorney) == 0, timeout=10_000)
    again = window.unlock.server_panel
    assert window.unlock.server_choice.isChecked() and again.isVisible()
    assert again.password.text() == ""
    assert again.url.text() == address and again.user.text() == attorney
    window.set_autolock_minutes(5)
    connect(qtbot, again, PASSWORD)
    qtbot.waitUntil(lambda: not window.is_locked, timeout=60_000)
    window.lock_action.trigger()
    launcher.close()


def test_an_unreachable_server_shows_one_sentence_and_the_app_carries_on_by_itself(
    qtbot: Any, tmp_path: Path, crashable: load_setup.LoadServer
) -> None:
    launcher, window = signed_in(qtbot, tmp_path, crashable)
    banner = window.server_link.banner

    crashable.cluster.stop("immediate")
    qtbot.waitUntil(banner.isVisible, timeout=20_000)
    assert banner.text() == UNREACHABLE
    # A screen opened meanwhile says the same sentence (no error dialog, no traceback).
    window.show_page(window.matters)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == UNREACHABLE)
    crashable.cluster.launch()
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=60_000)
    assert not window.is_locked  # nobody reconnected or unlocked anything
    qtbot.waitUntil(lambda: window.matters.model.rowCount() > 0, timeout=20_000)

    # The store works again: search the clients as a person types.
    window.show_page(window.clients)
    qtbot.keyClicks(window.clients.search, a_last_name(crashable))
    qtbot.waitUntil(lambda: window.clients.model.rowCount() >= 1, timeout=20_000)
    window.lock_action.trigger()
    launcher.close()
