"""Settings → Deadline rules → "Install update…": a signed rule update from a file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from clinic_app.errors import ClinicError
from clinic_app.i18n import _
from clinic_app.services import rule_updates
from clinic_app.services.changes import ChangeSet
from clinic_app.services.vault_ops import Vault


def install_rule_update(parent: QWidget, vault: Vault) -> tuple[ChangeSet, str]:
    """Ask for the file, show what it changes, ask, install. Returns the change-set (empty when
    nothing was installed) and one sentence for the page to show."""
    name, _filter = QFileDialog.getOpenFileName(
        parent, _("Choose a rule update"), "", _("Rule updates (*.cliniccrules);;All files (*)")
    )
    if not name:
        return ChangeSet(), ""
    try:
        preview = rule_updates.preview_update(vault, path=Path(name))
    except ClinicError as exc:
        return ChangeSet(), exc.message
    answer = QMessageBox.question(
        parent,
        _("Install the rule update?"),
        "\n".join(preview.lines())
        + "\n\n"
        + _("Install it and recompute every deadline? The audit log records it."),
    )
    if answer != QMessageBox.StandardButton.Yes:
        return ChangeSet(), _("The rule update was not installed; nothing was changed.")
    try:
        result = rule_updates.install_update(vault, path=Path(name))
    except ClinicError as exc:
        return ChangeSet(), exc.message
    return result.changes, _(
        "Rule update installed: {moved} deadline(s) moved, {added} added, {removed} removed."
    ).format(
        moved=result.record.deadlines_moved,
        added=result.record.deadlines_added,
        removed=result.record.deadlines_removed,
    )
