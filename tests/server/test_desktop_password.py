"""Settings on the clinic server: a person changes their own password in the desktop app (no
vault passphrase or recovery code there); a wrong or mistyped entry changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bench import load_setup
from tests.server.desktop_helpers import LEFT, connect, own_server, signed_in

NEW_PASSWORD = "a-brand-new-password"


@pytest.fixture
def server() -> Iterator[load_setup.LoadServer]:
    """A server of its own (a password changes on it), with one staff login."""
    yield from own_server(5)


def _logs_in(server: load_setup.LoadServer, password: str) -> bool:
    try:
        with psycopg.connect(
            host="127.0.0.1",
            port=server.cluster.port,
            dbname=load_setup.DB,
            user=load_setup.login(0),
            password=password,
        ):
            return True
    except psycopg.OperationalError:
        return False


def test_a_person_changes_their_own_password_in_settings(
    qtbot: Any, tmp_path: Path, server: load_setup.LoadServer
) -> None:
    launcher, window = signed_in(qtbot, tmp_path, server)
    window.show_page(window.settings)
    page = window.settings
    box = page.password_box
    assert box.isVisible()
    # A vault's keys are not the server's: no passphrase, recovery code or key rotation here.
    assert not page.keys_box.isVisible() and not page.rotation.isVisible()
    assert "kept encrypted on the clinic server" in page.template_message.text()

    def attempt(current: str, new: str, repeat: str) -> str:
        for field, text in ((box.current, current), (box.new, new), (box.repeat, repeat)):
            field.clear()
            qtbot.keyClicks(field, text)
        qtbot.mouseClick(box.button, LEFT)
        qtbot.waitUntil(box.button.isEnabled, timeout=60_000)
        return str(box.message.text())

    said = attempt("", "", "")
    assert all(
        name in said
        for name in ("your current password", "the new password", "the new password again")
    )
    said = attempt("not-my-password-at-all", NEW_PASSWORD, NEW_PASSWORD)
    assert said == "That is not your current password; nothing was changed."
    said = attempt(load_setup.PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert said == "The two new passwords differ; nothing was changed."
    said = attempt(load_setup.PASSWORD, "short", "short")
    assert "too short" in said
    assert _logs_in(server, load_setup.PASSWORD) and not _logs_in(server, NEW_PASSWORD)

    said = attempt(load_setup.PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    assert said.startswith("Done: your password is changed.")
    assert box.current.text() == box.new.text() == box.repeat.text() == ""
    assert _logs_in(server, NEW_PASSWORD) and not _logs_in(server, load_setup.PASSWORD)
    with server.admin_connection() as conn:
        actions = conn.execute(
            "SELECT actor, action FROM audit_event WHERE summary = %s", (load_setup.login(0),)
        ).fetchall()
    assert (load_setup.login(0), "account.password") in actions

    # The session carries on (its new connections log in with the new password), and the next
    # connection from the start screen takes the new one: the file key opens with it.
    window.vault.engine.dispose()
    window.show_page(window.clients)
    qtbot.waitUntil(lambda: window.clients.model.rowCount() == 5, timeout=20_000)
    window.lock_action.trigger()
    qtbot.waitUntil(lambda: window.is_locked)
    connect(qtbot, window.unlock.server_panel, NEW_PASSWORD)
    qtbot.waitUntil(lambda: not window.is_locked, timeout=60_000)
    window.lock_action.trigger()
    launcher.close()
