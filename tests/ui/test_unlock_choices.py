"""The unlock screen offers what its folder allows: unlock and recover a vault, or create one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from ui.main_window import MainWindow


def test_a_vault_folder_offers_unlock_and_an_empty_one_offers_create(
    qtbot, sample_vault_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    with_vault = MainWindow(sample_vault_dir, "tester")
    qtbot.addWidget(with_vault)
    with_vault.show()
    unlock = with_vault.unlock
    assert unlock.unlock_button.isVisible() and unlock.recover_button.isVisible()
    assert not unlock.create_button.isVisible()
    assert unlock.other_button.isVisible() and unlock.restore_button.isVisible()

    empty = MainWindow(tmp_path / "no vault here", "tester")
    qtbot.addWidget(empty)
    empty.show()
    unlock = empty.unlock
    assert unlock.create_button.isVisible() and unlock.create_button.isEnabled()
    assert not unlock.recover_button.isVisible()
    assert "create one" in unlock.folder_label.text()
    # Typing a passphrase at an empty folder is not offered either.
    qtbot.mouseClick(unlock.unlock_button, Qt.MouseButton.LeftButton)
    assert empty.is_locked
