"""Settings → Staff accounts on the clinic server, clicked through as an admin does: add a person,
reset a password, disable and enable an account; a mistake changes nothing and says what to fix;
a colleague who is not an admin, or a vault on this computer, has no such tab."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget

from bench import load_setup
from clinic_app.store.postgres import UNREACHABLE
from tests.server.conftest import ADMIN, ADMIN_PASSWORD, ClinicServer
from tests.server.desktop_helpers import LEFT, connect, crashable
from tests.ui.clipping import clipped
from tests.ui.dialogs import answer_next_question
from tests.ui.launch import opened_window, start_screen

__all__ = ["crashable"]  # the fixture: a server of this test's own, stopped hard below
FIRST = "nora-first-password"
NEW = "nora-second-password"


def _signed_in(
    qtbot: Any,
    folder: Path,
    url: str,
    login: str,
    password: str,
    ca: Path | None = None,
    lang: str | None = None,
) -> tuple[Any, Any]:
    """The start screen (in `lang`, as --lang does), the clinic server chosen and filled in as
    a person does, Connect."""
    if lang is None:
        launcher = start_screen(qtbot, folder)
    else:
        from PySide6.QtWidgets import QApplication

        from ui.app import Launcher

        launcher = Launcher(QApplication.instance(), folder, "tester", lang)
        qtbot.addWidget(launcher.start)
        launcher.show()
    unlock = launcher.start.unlock
    qtbot.mouseClick(unlock.server_choice, LEFT)
    panel = unlock.server_panel
    for field in (panel.url, panel.ca_file, panel.user):  # this computer remembers the last ones
        field.clear()
    qtbot.keyClicks(panel.url, url)
    if ca is not None:
        qtbot.keyClicks(panel.ca_file, str(ca))
    qtbot.keyClicks(panel.user, login)
    connect(qtbot, panel, password)
    return launcher, opened_window(qtbot, launcher)


def _settings(qtbot: Any, window: Any) -> Any:
    """Settings, through the sidebar as a person clicks it."""
    entry = window.sidebar.item(window.pages.index(window.settings))
    qtbot.mouseClick(
        window.sidebar.viewport(), LEFT, pos=window.sidebar.visualItemRect(entry).center()
    )
    qtbot.waitUntil(window.settings.isVisible)
    return window.settings


def _open_accounts_tab(qtbot: Any, page: Any) -> Any:
    index = page.tabs.indexOf(page.accounts)
    assert page.tabs.isTabVisible(index)
    bar = page.tabs.tabBar()
    qtbot.mouseClick(bar, LEFT, pos=bar.tabRect(index).center())
    qtbot.waitUntil(page.accounts.isVisible)
    return page.accounts


def _click_row(qtbot: Any, table: QTableWidget, login: str) -> None:
    for row in range(table.rowCount()):
        item = table.item(row, 0)
        if item is not None and item.text().split()[0] == login:
            table.scrollToItem(item)
            qtbot.mouseClick(table.viewport(), LEFT, pos=table.visualItemRect(item).center())
            return
    raise AssertionError(f"{login} is not in the list")


def _row(table: QTableWidget, login: str) -> list[str]:
    for row in range(table.rowCount()):
        cells = [table.item(row, c).text() for c in range(table.columnCount())]  # type: ignore[union-attr]
        if cells[0].split()[0] == login:
            return cells
    return []


def _add(
    qtbot: Any, tab: Any, login: str, name: str, role_steps: int, first: str, again: str
) -> str:
    """Fill in Add a person (the role with the keyboard, as the combo ignores the wheel) and
    click Add person; what the form says afterwards."""
    for field, text in (
        (tab.login, login),
        (tab.full_name, name),
        (tab.password, first),
        (tab.repeat, again),
    ):
        field.clear()
        qtbot.keyClicks(field, text)
    tab.role.setCurrentIndex(-1)
    tab.role.setFocus()
    for _step in range(role_steps):
        qtbot.keyClick(tab.role, Qt.Key.Key_Down)
    qtbot.mouseClick(tab.add_button, LEFT)
    qtbot.waitUntil(tab.add_button.isEnabled, timeout=60_000)
    return str(tab.add_message.text())


def _logs_in(server: ClinicServer, login: str, password: str) -> bool:
    try:
        server.connect(login, password).close()
        return True
    except psycopg.OperationalError:
        return False


def _accounts(server: ClinicServer) -> list[tuple[object, ...]]:
    with server.admin() as conn:
        return conn.execute(
            "SELECT r.rolname, r.rolcanlogin, s.name, s.active FROM pg_roles r"
            " LEFT JOIN staff_member s ON s.login = r.rolname ORDER BY 1"
        ).fetchall()


def test_an_admin_adds_resets_disables_and_enables_a_person(
    qtbot: Any, tmp_path: Path, clinic_server: ClinicServer
) -> None:
    launcher, window = _signed_in(
        qtbot,
        tmp_path / "vault",
        clinic_server.url.split("?", 1)[0],
        ADMIN,
        ADMIN_PASSWORD,
        clinic_server.folder / "clinic-ca.crt",
    )
    tab = _open_accounts_tab(qtbot, _settings(qtbot, window))
    assert _row(tab.table, ADMIN)[0] == f"{ADMIN} (you)"

    # Mistakes: each says what to fix in one sentence, and no account changes.
    before = _accounts(clinic_server)
    said = _add(qtbot, tab, "", "", 0, "", "")
    for missing in (
        "the account name",
        "the name on the staff list",
        "the role",
        "the first password",
        "the password again",
    ):
        assert missing in said
    said = _add(qtbot, tab, ADMIN, "Nora Desk", 1, FIRST, FIRST)
    assert said == "There is already an account named 'admin': choose another account name."
    said = _add(qtbot, tab, "Nora Desk", "Nora Desk", 1, FIRST, FIRST)
    assert said.startswith("The account name 'Nora Desk' cannot be used: use lower-case")
    said = _add(qtbot, tab, "nora_desk", "Nora Desk", 1, "short", "short")
    assert said == "The password is too short: use at least 12 characters."
    said = _add(qtbot, tab, "nora_desk", "Nora Desk", 1, FIRST, FIRST + "x")
    assert said == "The two passwords differ; nothing was changed."
    assert _accounts(clinic_server) == before

    # Added as an attorney (the first role of the list); the new account signs in.
    said = _add(qtbot, tab, "nora_desk", "Nora Desk", 1, FIRST, FIRST)
    assert said.startswith("Added Nora Desk (nora_desk) as Attorney.")
    assert tab.login.text() == tab.password.text() == "" and tab.role.currentIndex() == -1
    assert _row(tab.table, "nora_desk") == ["nora_desk", "Nora Desk", "Attorney", "Yes"]
    assert _logs_in(clinic_server, "nora_desk", FIRST)

    # The admin's own row: no reset or disable here (that is the password box under General).
    _click_row(qtbot, tab.table, ADMIN)
    assert not tab.disable_button.isEnabled() and not tab.reset_button.isEnabled()
    assert "your own account" in tab.message.text()

    # Reset: typed twice in its window; the person's open session ends.
    nora_elsewhere = clinic_server.connect("nora_desk", FIRST)
    _click_row(qtbot, tab.table, "nora_desk")
    qtbot.mouseClick(tab.reset_button, LEFT)
    dialog = tab.reset_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert "Nora Desk (nora_desk)" in dialog.note.text() and "end at once" in dialog.note.text()
    qtbot.keyClicks(dialog.password, NEW)
    qtbot.keyClicks(dialog.repeat, NEW + "x")
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    qtbot.mouseClick(save, LEFT)
    qtbot.waitUntil(save.isEnabled, timeout=60_000)
    assert dialog.error.text() == "The two passwords differ; nothing was changed."
    assert _logs_in(clinic_server, "nora_desk", FIRST)
    dialog.repeat.clear()
    qtbot.keyClicks(dialog.repeat, NEW)
    qtbot.mouseClick(save, LEFT)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=60_000)
    assert tab.message.text() == (
        "The password of Nora Desk (nora_desk) is reset: give it to them privately. "
        "Their 1 open session was ended."
    )
    assert nora_elsewhere.closed or not _alive(nora_elsewhere)
    assert _logs_in(clinic_server, "nora_desk", NEW)
    assert not _logs_in(clinic_server, "nora_desk", FIRST)

    # Disable: the question names the person; Cancel changes nothing, the worded button does.
    asked: list[str] = []
    answer_next_question(qtbot, "Cancel", asked)
    qtbot.mouseClick(tab.disable_button, LEFT)
    qtbot.waitUntil(lambda: bool(asked))
    assert _logs_in(clinic_server, "nora_desk", NEW)
    asked.clear()
    answer_next_question(qtbot, "Disable the account", asked)
    qtbot.mouseClick(tab.disable_button, LEFT)
    qtbot.waitUntil(lambda: "can no longer sign in" in tab.message.text(), timeout=60_000)
    assert asked[0].startswith(
        "Disable an account: Disable the account of Nora Desk (nora_desk)? They can no longer "
        "sign in"
    )
    assert _row(tab.table, "nora_desk")[3] == "No — disabled"
    assert not _logs_in(clinic_server, "nora_desk", NEW)
    assert tab.enable_button.isEnabled() and not tab.disable_button.isEnabled()

    # Enable: she signs in again with the password she had.
    qtbot.mouseClick(tab.enable_button, LEFT)
    qtbot.waitUntil(lambda: "can sign in again" in tab.message.text(), timeout=60_000)
    assert _row(tab.table, "nora_desk")[3] == "Yes"
    assert _logs_in(clinic_server, "nora_desk", NEW)
    with clinic_server.admin() as conn:
        actions = conn.execute(
            "SELECT actor, action FROM audit_event WHERE summary = 'nora_desk' ORDER BY id"
        ).fetchall()
    assert [a for _actor, a in actions] == [
        "account.add",
        "account.password_reset",
        "account.disable",
        "account.enable",
    ]
    assert {actor for actor, _a in actions} == {ADMIN}
    window.lock_action.trigger()
    launcher.close()


def _alive(conn: psycopg.Connection[Any]) -> bool:
    try:
        conn.execute("SELECT 1")
    except psycopg.OperationalError:
        return False
    return True


def test_only_an_admin_sees_staff_accounts_and_an_unreachable_server_changes_nothing(
    qtbot: Any, tmp_path: Path, crashable: load_setup.LoadServer
) -> None:
    # A colleague who is not an admin: no Staff accounts tab.
    launcher, window = _signed_in(
        qtbot, tmp_path / "a", crashable.url, load_setup.login(0), load_setup.PASSWORD
    )
    page = _settings(qtbot, window)
    assert not page.tabs.isTabVisible(page.tabs.indexOf(page.accounts))
    window.lock_action.trigger()  # left open: the test's teardown closes every window

    launcher, window = _signed_in(
        qtbot, tmp_path / "b", crashable.url, load_setup.ADMIN, load_setup.PASSWORD
    )
    tab = _open_accounts_tab(qtbot, _settings(qtbot, window))
    staff = load_setup.login(0)
    _click_row(qtbot, tab.table, staff)
    crashable.cluster.stop("immediate")
    asked: list[str] = []
    answer_next_question(qtbot, "Disable the account", asked)
    qtbot.mouseClick(tab.disable_button, LEFT)
    qtbot.waitUntil(lambda: tab.message.text() == UNREACHABLE, timeout=60_000)
    said = _add(qtbot, tab, "new_person", "New Person", 2, FIRST, FIRST)
    assert said == UNREACHABLE
    crashable.cluster.launch()
    with crashable.admin_connection() as conn:
        assert conn.execute(
            "SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", (staff,)
        ).fetchone() == (True,)
        assert (
            conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'new_person'").fetchone() is None
        )
    window.lock_action.trigger()
    launcher.close()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_staff_accounts_tab_reads_whole_at_laptop_size(
    qtbot: Any, tmp_path: Path, crashable: load_setup.LoadServer, qapp: Any, lang: str
) -> None:
    from ui.app import apply_language

    try:
        launcher, window = _signed_in(
            qtbot,
            tmp_path / "vault",
            crashable.url,
            load_setup.ADMIN,
            load_setup.PASSWORD,
            lang=lang,
        )
        window.resize(1366, 768)
        tab = _open_accounts_tab(qtbot, _settings(qtbot, window))
        _click_row(qtbot, tab.table, load_setup.login(0))
        qtbot.wait(100)
        assert clipped(tab) == []
        header = tab.table.horizontalHeader()
        squeezed = [
            tab.table.horizontalHeaderItem(c).text()
            for c in range(header.count())
            if header.fontMetrics().horizontalAdvance(tab.table.horizontalHeaderItem(c).text())
            >= header.sectionSize(c)
        ]
        assert squeezed == [], "column headers cut off"
        window.grab().save(str(tmp_path / f"staff-accounts-{lang}.png"))
        qtbot.mouseClick(tab.reset_button, LEFT)
        dialog = tab.reset_dialog
        qtbot.waitUntil(dialog.isVisible)
        assert clipped(dialog) == []
        dialog.grab().save(str(tmp_path / f"reset-{lang}.png"))
        cancel = dialog.buttons.button(dialog.buttons.StandardButton.Cancel)
        qtbot.mouseClick(cancel, LEFT)
        qtbot.waitUntil(lambda: not dialog.isVisible())
        window.lock_action.trigger()
        launcher.close()
    finally:
        apply_language(qapp, "en")
