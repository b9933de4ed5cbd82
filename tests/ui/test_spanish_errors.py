"""The desktop in Spanish: a core error about a field reads in Spanish next to that field."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from clinic_app.i18n import _, ngettext, set_language, set_local_dates
from clinic_app.services import clients
from clinic_app.services.documents.render import hint_words
from tests.conftest import PASSPHRASE
from ui.app import apply_language
from ui.client_editor import ClientEditor


@pytest.fixture
def spanish_window(qtbot, sample_vault_dir: Path) -> Iterator[object]:  # type: ignore[no-untyped-def]
    from ui.main_window import MainWindow

    app = QApplication.instance()
    apply_language(app, "es")  # type: ignore[arg-type]
    win = MainWindow(sample_vault_dir, "tester")
    qtbot.addWidget(win)
    win.show()
    yield win
    if win.vault is not None:
        win.lock()
    apply_language(app, "en")  # type: ignore[arg-type]
    set_local_dates(False)
    set_language("en")


def test_a_future_birth_date_is_refused_in_spanish_next_to_the_field(qtbot, spanish_window) -> None:  # type: ignore[no-untyped-def]
    window = spanish_window
    window.unlock.passphrase.setText(PASSPHRASE)
    qtbot.mouseClick(window.unlock.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.is_locked, timeout=10000)
    window.show_page(window.clients)
    assert window.clients.new_button.text() == "Nuevo cliente"
    seen: dict[str, object] = {}

    def fill() -> None:
        editor = QApplication.activeModalWidget()
        if not isinstance(editor, ClientEditor):
            QTimer.singleShot(20, fill)  # the dialog is not shown yet
            return
        qtbot.keyClicks(editor.inputs["first_name"], "Zoila")
        qtbot.keyClicks(editor.inputs["last_name"], "Quispe")
        qtbot.keyClicks(editor.inputs["date_of_birth"], "15/03/2099")  # day first, as Spanish
        save = editor.buttons.button(QDialogButtonBox.StandardButton.Save)
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
        seen["visible"] = editor.isVisible()
        seen["error"] = editor.errors["date_of_birth"].text()
        seen["shown"] = editor.errors["date_of_birth"].isVisible()
        seen["outlined"] = editor.inputs["date_of_birth"].property("inError")
        seen["message"] = editor.message.text()
        editor.reject()

    QTimer.singleShot(0, fill)
    qtbot.mouseClick(window.clients.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "message" in seen, timeout=10000)

    assert seen["visible"] is True  # still open: nothing was saved
    assert seen["error"] == "15 mar 2099 es una fecha futura."
    assert seen["shown"] is True and seen["outlined"] is True
    assert seen["message"] == "Corrija los campos marcados en rojo; no se guardó nada."
    assert clients.count_clients(window.vault, search_text="quispe") == 0


def _core_sentences() -> list[str]:
    """Core errors that give command-line advice, as the Spanish catalog writes them."""
    return [
        _("{target} already exists; add --overwrite to replace it.").format(target="carta.docx"),
        _(
            "The vault already has a template '{template_id}' in '{lang}'; add --replace to replace it."
        ).format(template_id="cierre", lang="es"),
        _(
            "The vault has no template '{template_id}' in '{lang}' of its own; 'clinic-app templates' lists them."
        ).format(template_id="cierre", lang="es"),
        _("There is no deadline {text}; 'clinic-app deadlines' lists the deadline ids.").format(
            text="12-x"
        ),
        _(
            "'{ref}' is not a deadline id; 'clinic-app deadlines' lists them (like 12-lda.renewal_file_by or task-3)."
        ).format(ref="doce"),
        _("There is no rule '{rule_id}'; 'clinic-app rules show' lists the rule ids.").format(
            rule_id="daca.x"
        ),
        _("There is no rule pack for '{program}'; 'clinic-app rules show' lists them.").format(
            program="tps"
        ),
        _("Name one matter (--matter) or one agency letter (--letter)."),
        _("Say where the documents go: an output folder (--out), or --keep-in-vault."),
        ngettext(
            "The header row lacks the required column {columns}; the first row must name the columns (see 'clinic-app import --help').",
            "The header row lacks the required columns {columns}; the first row must name the columns (see 'clinic-app import --help').",
            1,
        ).format(columns="employer"),
        _("There is no vault in {folder}; create one with 'clinic-app init'.").format(
            folder="bóveda"
        ),
        _("{name} already exists (add --overwrite to replace it)").format(name="carta.docx"),
        hint_words("the clinic's name is not set; set it with: clinic-app clinic --set name=..."),
    ]


def test_the_desktop_turns_spanish_command_line_advice_into_where_to_click() -> None:
    from ui.feedback import desktop_message

    set_language("es")
    try:
        for sentence in _core_sentences():
            shown = desktop_message(sentence)
            assert "clinic-app" not in shown and " --" not in shown and "(--" not in shown, shown
            assert shown != sentence
            assert not re.search(r"\. [a-zñ]", shown), shown  # no fragment left after a cut
        shown = [desktop_message(sentence) for sentence in _core_sentences()]
        assert (
            shown[0]
            == "carta.docx ya existe; elija otra carpeta o mueva antes el archivo anterior."
        )
        assert shown[3] == "No hay ningún plazo 12-x; la pantalla Plazos los enumera."
        assert shown[-1] == (
            "Configure el nombre de la clínica en Configuración → Datos de la clínica para las "
            "cartas → Nombre de la clínica"
        )
    finally:
        set_language("en")


def test_the_uscis_address_note_reads_in_spanish_with_a_spanish_date(qtbot, spanish_window) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.services import documents

    window = spanish_window
    window.unlock.passphrase.setText(PASSPHRASE)
    qtbot.mouseClick(window.unlock.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.is_locked, timeout=10000)
    documents.set_clinic_details(
        window.vault,
        values={
            "uscis_address": "P.O. Box 0000\nMontclair, CA 91763",
            "uscis_address_source": "USCIS filing addresses page",
            "uscis_address_checked": "2025-01-01",
        },
    )
    window.show_page(window.settings)
    note = window.settings.clinic_message.text()
    assert "1 ene 2025" in note and "USCIS" in note, note
    assert "last checked" not in note and "2025-01-01" not in note, note
    assert (
        note
        == _("The USCIS address was last checked on {day}; check it again before mailing").format(
            day="1 ene 2025"
        )
        + "."
    ), note


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_agency_intake_hint_for_a_code_with_a_space_says_where_to_click(
    vault, tmp_path: Path, language: str
) -> None:  # type: ignore[no-untyped-def]
    """The command line quotes 'agency_intake.NYS DOL=...'; the desktop still says Settings."""
    from clinic_app.services import documents, employers, letters
    from ui.feedback import desktop_message

    employer = employers.add_employer(vault, name="Metro Build", city="Queens", state="NY").record
    letter = letters.add_letter(
        vault, agency="NY State DOL", employer_id=employer.id, date_issued="2024-02-10",
        period_start="2021-08-24", period_end="2024-09-29",
    ).record  # fmt: skip
    documents.set_clinic_details(
        vault, values={"name": "Clinic", "address": "1 Example Ave", "signer_name": "Signer",
                       "signer_title": "Attorney at Law"},
    )  # fmt: skip
    set_language(language)
    try:
        report = documents.render_documents(
            vault, template="soi-request", letter_id=letter.id, out_dir=tmp_path, lang="en",
            today=date(2027, 3, 1),
        )  # fmt: skip
        problem = report.documents[0].problem
        assert problem is not None and "'agency_intake.NYS DOL=...'" in problem, problem
        shown = desktop_message(problem)
    finally:
        set_language("en")
    assert "clinic-app" not in shown and "'" not in shown.replace("agency's", ""), shown
    assert ("Settings →" in shown) if language == "en" else ("Configuración →" in shown), shown
