"""Creating a vault: the strength meter says its word inside it, so an empty meter is never
read as a field to type in, and the word follows the passphrase as it is typed."""

from __future__ import annotations

from pathlib import Path

from clinic_app.i18n import _
from ui.background import Background
from ui.create_vault import CreateVaultDialog


def test_the_strength_meter_says_its_word(qtbot, tmp_path: Path, language: str) -> None:  # type: ignore[no-untyped-def]
    background = Background()
    dialog = CreateVaultDialog(tmp_path / "new", "tester", background)
    qtbot.addWidget(dialog)
    dialog.show()
    meter = dialog.strength
    assert meter.isTextVisible() and meter.text() == _("Too short")
    dialog.first.setFocus()
    qtbot.keyClicks(dialog.first, "corn river lamp")
    assert meter.text() == _("Fair"), meter.text()
    qtbot.keyClicks(dialog.first, " tiles violet harbor")
    assert meter.text() == _("Strong"), meter.text()
    if language == "es":
        assert meter.text() == "Muy segura"
