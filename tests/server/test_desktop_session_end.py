"""The desktop app when the clinic server ends its session: a password changed on another
computer (or an account disabled) locks the window, and the sign-in screen says why and takes
the new password; a password changed in this window ends the person's other sessions only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg

from clinic_app.services import server_session
from tests.cli.conftest import assert_ok, run_cli
from tests.server.conftest import ADMIN, ADMIN_PASSWORD, PASSWORD, ClinicServer, person_env
from tests.server.desktop_helpers import LEFT, connect
from tests.ui.launch import opened_window, start_screen

NEW_PASSWORD = "a-new-password-for-the-desk"


def _add(server: ClinicServer, login: str) -> None:
    assert_ok(
        run_cli(
            *("server", "adduser", login, "--role", "paralegal", "--password-stdin"),
            env=person_env(server, ADMIN, ADMIN_PASSWORD),
            stdin=PASSWORD + "\n",
        )
    )


def _signed_in(qtbot: Any, folder: Path, server: ClinicServer, login: str) -> tuple[Any, Any]:
    """The start screen, the clinic server chosen and filled in as a person does, Connect."""
    launcher = start_screen(qtbot, folder)
    unlock = launcher.start.unlock
    qtbot.mouseClick(unlock.server_choice, LEFT)
    panel = unlock.server_panel
    qtbot.keyClicks(panel.url, server.url.split("?", 1)[0])
    qtbot.keyClicks(panel.ca_file, str(server.folder / "clinic-ca.crt"))
    qtbot.keyClicks(panel.user, login)
    connect(qtbot, panel, PASSWORD)
    window = opened_window(qtbot, launcher)
    window.server_link.timer.setInterval(200)
    return launcher, window


def _alive(conn: psycopg.Connection[Any]) -> bool:
    try:
        conn.execute("SELECT 1")
    except psycopg.OperationalError:
        return False
    return True


def test_a_password_changed_elsewhere_locks_the_window_and_the_new_one_signs_in(
    qtbot: Any, tmp_path: Path, clinic_server: ClinicServer
) -> None:
    _add(clinic_server, "eva_desk")
    launcher, window = _signed_in(qtbot, tmp_path / "vault", clinic_server, "eva_desk")
    assert not window.is_locked

    # On another computer she changes her password.
    changed = run_cli(
        "server", "passwd", "--password-stdin", env=person_env(clinic_server, "eva_desk"),
        stdin=NEW_PASSWORD + "\n",
    )  # fmt: skip
    assert "Your 1 other open session" in assert_ok(changed).stdout

    qtbot.waitUntil(lambda: window.is_locked, timeout=30_000)
    panel = window.unlock.server_panel
    assert panel.isVisible() and panel.password.text() == ""
    assert panel.message.text() == (
        "Your session on the clinic server has ended because your password was changed (on "
        "another computer, or reset by a clinic admin); nothing was saved. The app locks: sign "
        "in again with the new password."
    )
    assert "--password-stdin" not in panel.message.text()  # the command line's words stay there

    connect(qtbot, panel, NEW_PASSWORD)
    qtbot.waitUntil(lambda: not window.is_locked, timeout=60_000)
    assert "eva_desk" in window.status_vault.text()

    # Later an admin disables her account: the window locks again and says so.
    disabled = run_cli(
        "server", "disable", "eva_desk", env=person_env(clinic_server, ADMIN, ADMIN_PASSWORD)
    )
    assert "1 open session of eva_desk was ended." in assert_ok(disabled).stdout
    qtbot.waitUntil(lambda: window.is_locked, timeout=30_000)
    assert "a clinic admin disabled your account" in panel.message.text()
    launcher.close()


def test_changing_my_password_in_settings_ends_my_other_sessions_not_this_window(
    qtbot: Any, tmp_path: Path, clinic_server: ClinicServer
) -> None:
    _add(clinic_server, "ivo_desk")
    launcher, window = _signed_in(qtbot, tmp_path / "vault", clinic_server, "ivo_desk")
    laptop = clinic_server.connect("ivo_desk")  # his session on another computer
    window.show_page(window.settings)
    box = window.settings.password_box
    for field, text in (
        (box.current, PASSWORD),
        (box.new, NEW_PASSWORD),
        (box.repeat, NEW_PASSWORD),
    ):
        qtbot.keyClicks(field, text)
    qtbot.mouseClick(box.button, LEFT)
    qtbot.waitUntil(box.button.isEnabled, timeout=60_000)
    assert box.message.text().startswith("Done: your password is changed.")
    assert box.message.text().endswith(
        "Your 1 other open session (another computer or a command line) was ended."
    )

    assert not _alive(laptop)
    # This window's session carries on: the server answers it, and it did not lock.
    server_session.check_link(window.vault)
    window.show_page(window.clients)
    assert not window.is_locked
    window.lock_action.trigger()
    launcher.close()
