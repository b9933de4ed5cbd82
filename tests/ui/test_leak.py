"""No plaintext leak from a whole desktop session: after importing a canary client through the
import wizard, searching for it, opening its details, rendering its declaration, exporting the
deadline calendar and letting the window auto-lock, the canary's name, A-number, employer and
receipt number are in no file but the spreadsheet it came from and the chosen drafts folder:
not in the vault's files, not in HOME, the XDG config, cache, data and state folders (Qt's caches
and the window.ini device settings included), not in the temporary folder, not in the calendar.
After the auto-lock no widget of the window shows any of it.

Files are scanned as UTF-8 and UTF-16 (both byte orders), and zip files (.docx, .xlsx) also
member by member, so a compressed copy cannot hide a leak. tests/core/test_canary.py does the
same for the services alone, tests/cli/test_canary.py for the command line.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from clinic_app.services import clients, documents, matters, vault_ops
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.helpers import (
    CANARY_A_NUMBER,
    CANARY_EMPLOYER,
    CANARY_FIRST,
    CANARY_LAST,
    CANARY_NEEDLES,
    CANARY_RECEIPT,
    CLINIC_DETAILS,
    encodings_of,
    files_under,
)
from tests.ui.launch import unlocked
from ui.app import AppController
from ui.import_wizard import ImportWizard

FIRST, LAST = CANARY_FIRST, CANARY_LAST
A_NUMBER, EMPLOYER, RECEIPT = CANARY_A_NUMBER, CANARY_EMPLOYER, CANARY_RECEIPT
NEEDLES = CANARY_NEEDLES
CLINIC = CLINIC_DETAILS
SPREADSHEET = (
    "first_name,last_name,date_of_birth,a_number,country_of_birth,employer,worksite_city,"
    "worksite_state,agency,letter_date,matter_kind,filed_date,receipt_number,"
    "deferred_action_start,deferred_action_end,notes\n"
    f"{FIRST},{LAST},1984-04-04,{A_NUMBER},Honduras,{EMPLOYER},Salinas,CA,DOL-WHD,2023-06-15,"
    f'initial,2023-07-01,{RECEIPT},2024-01-01,2025-12-31,"{FIRST} prefers calls after 6pm"\n'
    "Ana,Ruiz,1990-01-01,A111222333,Mexico,Other Farms,Salinas,CA,DOL-WHD,2023-06-15,"
    "initial,2023-07-01,IOE1112223334,2024-01-01,2025-12-31,\n"
)


def _contents(path: Path) -> Iterable[tuple[str, bytes]]:
    """A file's bytes, and each member of it when it is a zip archive (a .docx, an .xlsx)."""
    try:
        data = path.read_bytes()
    except OSError:
        return
    yield str(path), data
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                yield f"{path}!{member}", archive.read(member)


def leaks(roots: Iterable[Path], *, skip: Iterable[Path] = ()) -> list[tuple[str, str]]:
    """(file, needle) for every needle found, in any of its encodings, outside `skip`."""
    skipped = [s.resolve() for s in skip]
    forms = [(needle, form) for needle in NEEDLES for form in encodings_of(needle)]
    found = []
    for path in files_under(*roots):
        if path.is_symlink() or any(path.resolve().is_relative_to(s) for s in skipped):
            continue
        for where, data in _contents(path):
            lowered = data.lower()
            found += [(where, needle) for needle, form in forms if form in lowered]
    return sorted(set(found))


def widget_texts(root: QWidget) -> list[str]:
    """Every text a window's widgets hold: labels, fields, lists, combo boxes, table cells."""
    texts: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, QLabel | QLineEdit):
            texts.append(widget.text())
        elif isinstance(widget, QTextEdit | QPlainTextEdit):
            texts.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())] + [widget.currentText()]
        elif isinstance(widget, QListWidget):
            texts += [widget.item(i).text() for i in range(widget.count())]
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            root_index = QModelIndex()
            for row in range(model.rowCount(root_index)):
                column = 0
                while model.hasIndex(row, column, root_index):
                    value = model.data(model.index(row, column, root_index))
                    if value is not None:
                        texts.append(str(value))
                    column += 1
        texts += [widget.windowTitle(), widget.toolTip(), widget.accessibleName()]
    return texts


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Temporary files of the code under test land here, inside the scanned folders."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_a_whole_desktop_session_leaves_no_plaintext(  # type: ignore[no-untyped-def]
    qtbot, qapp, tmp_path: Path, isolated_home: Path, private_tmp: Path
) -> None:
    folder = tmp_path / "vault"
    vault, _ = vault_ops.create_vault(folder, passphrase=PASSPHRASE, actor="tester", kdf=FAST_KDF)
    vault.close()
    source = tmp_path / "input" / "canary.csv"
    source.parent.mkdir()
    source.write_text(SPREADSHEET, encoding="utf-8-sig")
    drafts = tmp_path / "drafts"

    controller = AppController(qapp, folder, "tester")  # as `clinic-app` starts the app
    window = controller.window
    qtbot.addWidget(window)
    window.show()
    unlocked(qtbot, window)
    assert window.vault is not None

    # Import through the wizard (check, then import), as the Import… action does.
    wizard = ImportWizard(window.vault, window.background, window)  # the window drops it on lock
    wizard.load(source)
    qtbot.waitUntil(wizard.import_button.isEnabled, timeout=20000)
    wizard.import_button.click()
    qtbot.waitUntil(lambda: "Imported 2 rows" in wizard.summary.text(), timeout=20000)
    window.bus.publish(wizard.changes)
    wizard.close()

    # Search by name, then by A-number, and open the details.
    page = window.clients
    window.show_page(page)
    qtbot.keyClicks(page.search, "zyxwvutsrq canario")
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=5000)
    page.search.clear()
    qtbot.keyClicks(page.search, A_NUMBER)
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=5000)
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: LAST in page.detail.label.text(), timeout=5000)

    # Render the canary's declaration from the Documents screen into the chosen folder.
    documents.set_clinic_details(window.vault, values=CLINIC)
    [canary] = clients.list_clients(window.vault, search_text=A_NUMBER)
    [matter] = matters.list_matters(window.vault, client_id=canary.id)
    window.draft_for_matter(matter.id)
    docs = window.documents
    docs.template.setCurrentIndex(docs.template.findData("declaration"))
    docs.out_dir.setText(str(drafts))
    docs.render_button.click()
    # The imported matter is not yet at a declaration's stage: the screen says why and offers
    # Render anyway, which a person clicks after reading the reason.
    qtbot.waitUntil(docs.anyway_button.isVisible, timeout=60000)
    qtbot.mouseClick(docs.anyway_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "1 draft written" in docs.message.text(), timeout=60000)

    # Export the deadline calendar the recommended way (it syncs to the cloud).
    calendar = tmp_path / "calendar.ics"
    window.show_page(window.deadlines)
    window.deadlines.window_box.setCurrentIndex(window.deadlines.window_box.findData(None))
    window.deadlines.write_calendar(calendar, "initials")
    assert calendar.read_text("utf-8").startswith("BEGIN:VCALENDAR")

    # Walk away: the window locks itself, and shows nothing of the client any more.
    window.show_page(window.clients)
    window.set_autolock_minutes(0.002)
    window.idle_timer.start()
    qtbot.waitUntil(lambda: window.is_locked, timeout=5000)
    shown = "\n".join(widget_texts(window)).lower()
    for needle in NEEDLES:
        assert needle.lower() not in shown, f"{needle!r} is still on screen after the auto-lock"

    # Quit as the app does: the device settings are written, the window closes.
    controller.settings.setValue("main/geometry", window.saveGeometry())
    controller.settings.sync()
    window.close()
    qapp.processEvents()

    roots = [tmp_path, isolated_home]
    scanned = {p.name for p in files_under(*roots)}
    assert {"vault.db", "keyslots.json", "window.ini", "calendar.ics"} <= scanned
    assert (isolated_home / ".config" / "clinic-app" / "window.ini").is_file()
    assert leaks(roots, skip=[drafts, source.parent]) == []

    # The scan does see the canary where it is meant to be: the spreadsheet and, inside the
    # compressed .docx, the declaration in the chosen folder.
    found = leaks([drafts, source.parent])
    assert any(where.endswith(".docx!word/document.xml") for where, _ in found), found
    assert {needle for where, needle in found if where.endswith(".csv")} >= {FIRST, A_NUMBER}
