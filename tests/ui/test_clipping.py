"""Every screen at 1366×768, in English and Spanish: no label, button, table header or empty
field's placeholder is cut."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDialog

from clinic_app.services import demo, letters, vault_ops
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.ui.clipping import clipped
from ui.main_window import MainWindow

SIZE = (1366, 768)


@pytest.fixture(scope="module")
def demo_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("clip") / "vault"
    vault, _code = vault_ops.create_vault(folder, passphrase=PASSPHRASE, kdf=FAST_KDF)
    try:
        demo.fill_demo(vault, clients=60, seed=3)
    finally:
        vault.close()
    return folder


def dialogs(window: MainWindow) -> list[QDialog]:
    """The forms a person fills in during intake, opened over the window (never run)."""
    from ui.client_editor import ClientEditor
    from ui.employer_dialogs import LetterDialog
    from ui.matter_editor import MatterDialog
    from ui.notice_dialog import GrantDialog, NoticeDialog

    vault = window.vault
    assert vault is not None
    matter_id = window.matters.panel.matter_id
    assert matter_id is not None
    letter = letters.list_letters(vault)[0]
    from clinic_app.services import matters

    return [
        ClientEditor(vault, parent=window),
        MatterDialog(vault, letter_id=letter.id, parent=window),
        MatterDialog(vault, matter=matters.get_matter(vault, matter_id=matter_id), parent=window),
        NoticeDialog(vault, matter_id, window),
        GrantDialog(vault, matter_id, window),
        LetterDialog(vault, letter.employer_id, window, record=letter),
    ]


def _unlocked_at_laptop_size(qtbot, demo_vault: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    """The main window on the demo vault at 1366×768, unlocked as a person does."""
    from tests.ui.test_workflows import open_window

    window = MainWindow(demo_vault, "tester")
    qtbot.addWidget(window)
    window.resize(*SIZE)
    window.show()
    open_window(qtbot, window)
    return window


def test_no_text_is_cut_on_any_screen(qtbot, demo_vault: Path, language: str) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(demo_vault, "tester")
    qtbot.addWidget(window)
    window.resize(*SIZE)
    window.show()
    problems = [f"unlock: {line}" for line in clipped(window)]
    window.on_unlocked(vault_ops.open_vault(demo_vault, passphrase=PASSPHRASE))
    try:
        for page in window.pages:
            window.show_page(page)
            if page is window.clients:
                page.table.selectRow(0)  # type: ignore[attr-defined]
            if page is window.matters:
                page.table.selectRow(0)  # type: ignore[attr-defined]
            QApplication.processEvents()
            problems += [f"{page.title}: {line}" for line in clipped(window)]
            table = getattr(page, "table", None)
            # The main lists never scroll sideways (names and employers shown whole).
            if (
                page in (window.clients, window.matters)
                and table is not None
                and table.horizontalScrollBar().maximum() > 0
            ):
                problems.append(f"{page.title}: the list scrolls sideways")
        for dialog in dialogs(window):
            dialog.show()
            QApplication.processEvents()
            problems += [f"{dialog.windowTitle()}: {line}" for line in clipped(dialog)]
            dialog.reject()
    finally:
        window.lock()
    assert not problems, f"{language}: " + "\n".join(problems)


def test_new_client_form_with_the_conflict_check_fits_a_laptop(
    qtbot, demo_vault: Path, language: str
) -> None:  # type: ignore[no-untyped-def]
    """Typing a name already on file shows the conflict check under the form: its buttons are
    read whole, the form still fits a 1366×768 screen with a taskbar, and an address line fits."""
    from PySide6.QtCore import Qt

    from clinic_app.services import clients
    from tests.ui.test_conflict_intake import in_dialog
    from ui.client_editor import ClientEditor
    from ui.screen_fit import FRAME_ALLOWANCE

    window = _unlocked_at_laptop_size(qtbot, demo_vault)
    assert window.vault is not None
    someone = clients.list_clients(window.vault, limit=1)[0]
    seen: dict[str, object] = {}

    def fill(editor: QDialog) -> None:
        assert isinstance(editor, ClientEditor) and editor.conflicts is not None
        panel = editor.conflicts
        qtbot.keyClicks(editor.inputs["first_name"], someone.first_name)
        qtbot.keyClicks(editor.inputs["last_name"], someone.last_name)
        qtbot.waitUntil(lambda: panel.isVisible() and panel.list.count() > 0, timeout=5000)
        QApplication.processEvents()
        seen["cut"] = clipped(editor)
        seen["height"] = (
            editor.frameGeometry().height() or editor.height() + FRAME_ALLOWANCE.height()
        )
        address = editor.inputs["address"]
        seen["address"] = address.width() - address.fontMetrics().horizontalAdvance(
            "4410 Northwest Industrial Blvd, Apt 12"
        )
        editor.reject()

    problems = in_dialog(qtbot, ClientEditor, fill)
    qtbot.mouseClick(window.clients.new_button, Qt.MouseButton.LeftButton)
    window.lock()
    assert problems == []
    assert seen["cut"] == [], f"{language}: " + "\n".join(seen["cut"])  # type: ignore[arg-type]
    # 768 pixels less a 40-pixel taskbar: Save stays on screen.
    assert int(seen["height"]) <= SIZE[1] - 40, seen["height"]  # type: ignore[call-overload]
    assert int(seen["address"]) > 0, "an address line does not fit its field"  # type: ignore[call-overload]


def test_clients_search_reads_whole_and_tab_follows_reading_order(
    qtbot, demo_vault: Path, language: str
) -> None:  # type: ignore[no-untyped-def]
    """The search box says everything it searches (the buttons live under the list); Tab goes
    from the search box into the list, then to the buttons under it; a search that finds no
    one says what to do, whole, beside those buttons."""
    from PySide6.QtCore import Qt

    window = _unlocked_at_laptop_size(qtbot, demo_vault)
    page = window.clients
    page.search.setFocus()
    assert not [line for line in clipped(page) if "placeholder" in line]
    qtbot.keyClick(page.search, Qt.Key.Key_Tab)
    assert window.focusWidget() is page.table
    qtbot.keyClick(page.table, Qt.Key.Key_Tab)
    assert window.focusWidget() is page.new_button
    page.search.setFocus()
    qtbot.keyClicks(page.search, "zzzz-no-such-worker")
    qtbot.waitUntil(lambda: page.model.total == 0, timeout=5000)
    QApplication.processEvents()
    assert page.count.text() and clipped(page) == [], clipped(page)
    window.lock()


def test_the_clients_list_keeps_one_line_per_client(qtbot, demo_vault: Path, language: str) -> None:  # type: ignore[no-untyped-def]
    """Long employer names are cut with an ellipsis on one line, never wrapped to two, so a
    laptop screen shows more clients; the tooltip has the name whole."""
    from PySide6.QtCore import Qt

    from ui.client_table import ClientTableModel

    window = _unlocked_at_laptop_size(qtbot, demo_vault)
    window.show_page(window.clients)
    table = window.clients.table
    line = table.fontMetrics().height()
    assert table.rowHeight(0) < 2 * line, (table.rowHeight(0), line)
    shown = table.viewport().height() // table.rowHeight(0)
    assert shown >= 25, shown
    model = table.model()
    for row in range(model.rowCount()):
        index = model.index(row, ClientTableModel.EMPLOYER)
        name = model.data(index, Qt.ItemDataRole.DisplayRole)
        if name:
            assert model.data(index, Qt.ItemDataRole.ToolTipRole) == name
    window.lock()


def test_deadlines_say_a_shared_program_status_once_and_show_what_whole(
    qtbot, demo_vault: Path, language: str
) -> None:  # type: ignore[no-untyped-def]
    """Every deadline of the demo is under the one paused program: the status is said once
    under the list, and its column's room lets "What" show whole in Spanish too."""

    from ui.deadline_table import DeadlineTableModel

    window = _unlocked_at_laptop_size(qtbot, demo_vault)
    page = window.deadlines
    window.show_page(page)
    QApplication.processEvents()
    table, model = page.table, page.model
    assert model.rowCount() > 0
    paused = model.data(model.index(0, DeadlineTableModel.POLICY))
    assert paused and table.isColumnHidden(DeadlineTableModel.POLICY)
    assert page.message.text().endswith(f": {paused}"), page.message.text()
    metrics = table.fontMetrics()
    # The cell's own margins, as tests/ui/clipping.py counts them.
    style = table.style()
    margin = 2 * (style.pixelMetric(style.PixelMetric.PM_FocusFrameHMargin, None, table) + 1)
    cut = [
        text
        for row in range(min(model.rowCount(), 20))
        if metrics.horizontalAdvance(
            text := str(model.data(model.index(row, DeadlineTableModel.KIND)))
        )
        + margin
        > table.columnWidth(DeadlineTableModel.KIND) + 1
    ]
    assert not cut, cut
    assert table.horizontalScrollBar().maximum() == 0  # nothing pushed out sideways
    window.lock()


def test_a_clients_matters_show_every_line_in_the_details(
    qtbot, demo_vault: Path, language: str
) -> None:  # type: ignore[no-untyped-def]
    """A matter whose end dates and termination make a long third line wraps in the details
    panel: the list grows to the wrapped lines, so none is cut under the buttons, also after
    the panel is narrowed; a note on the client is dated as the screen writes dates."""
    import unicodedata
    from datetime import date

    from PySide6.QtCore import Qt

    from clinic_app.i18n import format_day
    from clinic_app.services import clients, matters, notes

    window = _unlocked_at_laptop_size(qtbot, demo_vault)
    vault = window.vault
    assert vault is not None
    longest = max(
        matters.list_matters(vault),
        key=lambda m: bool(m.grant_end) + bool(m.work_permit_end) + bool(m.terminated_on),
    )
    assert longest.grant_end and longest.work_permit_end and longest.terminated_on
    client = clients.get_client(vault, client_id=longest.client_id)
    notes.add_note(vault, body="Called about the renewal", client_id=client.id)
    page = window.clients
    everyone = page.model.total
    page.search.setFocus()
    # Typed as a person on an English keyboard does: the search ignores accents.
    folded = unicodedata.normalize("NFKD", client.a_number or client.last_name)
    qtbot.keyClicks(page.search, folded.encode("ascii", "ignore").decode())
    # The search runs once typing pauses (and clears the details): wait for the list to narrow.
    qtbot.waitUntil(lambda: 0 < page.model.total < everyone, timeout=5000)
    row = next(r for r in range(page.model.rowCount()) if page.model.client_id(r) == client.id)
    page.table.scrollTo(page.model.index(row, 0))
    cell = page.table.visualRect(page.model.index(row, 0)).center()
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    QApplication.processEvents()
    detail = page.detail
    assert detail.client_id == client.id
    assert detail.matter_list.isVisible()
    assert clipped(detail) == [], clipped(detail)
    # A narrower panel (the splitter dragged towards it) wraps more lines: still all shown.
    splitter = page.table.parentWidget()
    while not hasattr(splitter, "setSizes"):
        splitter = splitter.parentWidget()
    total = sum(splitter.sizes())  # type: ignore[attr-defined]
    splitter.setSizes([total - 340, 340])  # type: ignore[attr-defined]
    QApplication.processEvents()
    assert clipped(detail) == [], clipped(detail)
    shown = detail.notes_label.text()
    assert format_day(date.today()) in shown, shown
    assert date.today().isoformat() not in shown, shown
    window.lock()


def test_packet_checklist_items_read_whole(qtbot, demo_vault: Path, language: str) -> None:  # type: ignore[no-untyped-def]
    """A matter's packet checklist on a laptop: each item's full name (a form's long title)
    wraps onto as many lines as it needs instead of ending in "…", "yes"/"no" takes only its
    own width, and the list does not scroll inside the scrolling matter panel."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtWidgets import QStyle

    window = _unlocked_at_laptop_size(qtbot, demo_vault)
    page = window.matters
    window.show_page(page)
    QApplication.processEvents()
    cell = page.table.visualRect(page.table.model().index(0, 0)).center()
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    QApplication.processEvents()
    table = page.panel.checklist.table
    assert table.rowCount() > 5
    metrics = table.fontMetrics()
    style = table.style()
    margin = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1)
    width = table.columnWidth(0) - margin
    cut = []
    for row in range(table.rowCount()):
        text = table.item(row, 0).text()
        wrapped = metrics.boundingRect(QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, text)
        if wrapped.height() > table.rowHeight(row) or wrapped.width() > width:
            cut.append(f"{text}: needs {wrapped.height()}px, has {table.rowHeight(row)}")
    assert not cut, f"{language}: " + "\n".join(cut)
    required = table.horizontalHeader()
    needed = required.fontMetrics().horizontalAdvance(str(table.horizontalHeaderItem(1).text()))
    assert table.columnWidth(1) <= needed + 40, (table.columnWidth(1), needed)
    assert table.verticalScrollBar().maximum() == 0
    window.lock()
