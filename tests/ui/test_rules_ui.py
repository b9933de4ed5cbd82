"""Rule packs on the desktop: a client's state in the editor, a stale pack on Today, and
Settings → Deadline rules → "Install update…" with a signed and an altered bundle."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

from clinic_app.deadlines import bundles
from clinic_app.deadlines.packs import load_packs
from clinic_app.services import clients
from clinic_app.services import deadlines as dl
from tests.core.helpers import granted_daca
from tests.core.test_rule_updates import newer_daca
from tests.ui.dialogs import answer_next_question
from tests.ui.test_workflows import open_window
from ui.client_editor import ClientEditor
from ui.main_window import MainWindow

RENEWAL = "daca.work_permit_renewal"


def _daca_matter(window: MainWindow, state: str) -> tuple[int, int]:
    vault = window.vault
    assert vault is not None
    return granted_daca(vault, first_name="Rosa", last_name="Garza", state=state)


def _rules(window: MainWindow, matter_id: int) -> dict[str, date]:
    assert window.vault is not None
    rows = dl.list_deadlines(window.vault, today=date(2026, 12, 1), matter_id=matter_id)
    return {d.rule: d.due for d in rows}


def test_the_client_editor_moves_a_client_to_another_state(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    client_id, matter_id = _daca_matter(window, "TX")
    assert RENEWAL not in _rules(window, matter_id)
    editor = ClientEditor(
        window.vault, clients.get_client(window.vault, client_id=client_id), window
    )  # type: ignore[arg-type]
    qtbot.addWidget(editor)
    editor.show()
    field = editor.inputs["state"]
    assert field.text() == "TX"  # type: ignore[union-attr]
    field.clear()  # type: ignore[union-attr]
    qtbot.keyClicks(field, "Tejas")
    save = editor.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert "two-letter code" in editor.errors["state"].text()
    assert RENEWAL not in _rules(window, matter_id)  # nothing was saved
    field.clear()  # type: ignore[union-attr]
    qtbot.keyClicks(field, "nm")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert editor.result() == 1
    assert clients.get_client(window.vault, client_id=client_id).state == "NM"  # type: ignore[arg-type]
    assert RENEWAL in _rules(window, matter_id)


def test_today_shows_one_line_for_a_stale_pack(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    daca = load_packs()[0]["daca"]
    assert daca.review_by is not None
    page = window.today
    window.show_page(page)
    page.set_today(daca.review_by)
    assert page.stale_rules.isHidden()
    page.set_today(date(2027, 3, 1))
    assert page.stale_rules.isVisible()
    assert (
        f"The {daca.title} rules were last checked on {daca.last_checked}; "
        "have an attorney confirm them." in page.stale_rules.text()
    )


def test_install_update_from_settings(
    qtbot, window: MainWindow, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    _client_id, matter_id = _daca_matter(window, "NM")
    key = Ed25519PrivateKey.generate()
    monkeypatch.setattr(bundles, "trusted_keys", lambda: [key.public_key()])
    good = tmp_path / "rules.cliniccrules"
    good.write_bytes(bundles.sign_bundle({"daca": newer_daca()}, key, issued=date(2027, 1, 15)))
    altered = tmp_path / "altered.cliniccrules"
    data = bytearray(good.read_bytes())
    data[len(data) // 2] ^= 0x01
    altered.write_bytes(bytes(data))
    chosen: list[Path] = []
    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(chosen[-1]), ""))
    page = window.settings
    window.show_page(page)
    before = _rules(window, matter_id)
    chosen.append(altered)
    qtbot.mouseClick(page.install_update, Qt.MouseButton.LeftButton)
    assert "is not a rule update signed by the clinic-app project" in page.rules_message.text()
    assert not asked and _rules(window, matter_id) == before
    chosen.append(good)
    answer_next_question(qtbot, "Install", asked)
    qtbot.mouseClick(page.install_update, Qt.MouseButton.LeftButton)
    # The rule by what it says and when it falls, never its id.
    assert (
        "DACA: File the DACA renewal: 120 days before the end of deferred action; reminders 14, "
        "7, 1 days ahead → 130 days before the end of deferred action; reminders 21, 7, 1 days "
        "ahead." in asked[0]
    )
    assert "daca.renewal_file_by" not in asked[0]
    assert "1 deadline moves to another date, 0 are added, 0 go away, on 1 matter." in asked[0]
    assert "Rule update installed: 1 deadline moved, 0 added, 0 removed." in (
        page.rules_message.text()
    )
    after = _rules(window, matter_id)
    assert after["daca.renewal_file_by"] < before["daca.renewal_file_by"]


def test_a_texas_matter_says_why_it_has_no_work_permit_renewal(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    _client_id, matter_id = _daca_matter(window, "TX")
    page = window.matters
    window.show_page(page)
    qtbot.keyClicks(page.search, "Garza")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    rect = page.table.visualRect(page.model.index(0, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: page.panel.matter_id == matter_id, timeout=5000)
    note = page.panel.deadlines.not_here
    assert note.isVisible()
    assert note.text().startswith("Not for this client: Work permit: not computed for Texas")
