"""The desktop app on a clinic server of a test's own: the server, signing in as a person does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from bench import load_setup
from bench.server_load import FAST_KDF
from tests import pg_cluster
from tests.ui.launch import opened_window, start_screen

LEFT = Qt.MouseButton.LeftButton


def own_server(clients: int) -> Iterator[load_setup.LoadServer]:
    """A server of a test's own (it may stop it or change a password), with one staff login
    and `clients` demo clients; skipped where PostgreSQL cannot start."""
    try:
        with load_setup.load_server(1, clients, FAST_KDF) as server:
            yield server
    except pg_cluster.ClusterUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture
def crashable() -> Iterator[load_setup.LoadServer]:
    """A server of its own (the test stops it hard), with one staff login and 20 clients."""
    yield from own_server(20)


def connect(qtbot: Any, panel: Any, password: str) -> None:
    """Types the password into the server panel and clicks Connect."""
    qtbot.keyClicks(panel.password, password)
    qtbot.mouseClick(panel.connect_button, LEFT)


def signed_in(qtbot: Any, tmp_path: Path, server: load_setup.LoadServer) -> tuple[Any, Any]:
    """The launcher and the main window of the first staff login, signed in from the start
    screen as a person does, the server watched every 200 ms."""
    launcher = start_screen(qtbot, tmp_path / "vault")
    unlock = launcher.start.unlock
    qtbot.mouseClick(unlock.server_choice, LEFT)
    panel = unlock.server_panel
    qtbot.keyClicks(panel.url, server.url)  # on this computer: no CA file needed
    qtbot.keyClicks(panel.user, load_setup.login(0))
    connect(qtbot, panel, load_setup.PASSWORD)
    window = opened_window(qtbot, launcher)
    window.server_link.timer.setInterval(200)
    return launcher, window


def a_last_name(server: load_setup.LoadServer) -> str:
    """A client's last name on `server` that keyClicks can type (ASCII letters only)."""
    with server.cluster.connect(load_setup.DB) as conn:
        row = conn.execute(
            "SELECT last_name FROM client WHERE last_name ~ '^[A-Za-z]+$' ORDER BY id LIMIT 1"
        ).fetchone()
    assert row is not None
    return str(row[0])
