"""Texts the screens build inside f-strings, marked here so gettext extraction finds them.

Python 3.11's tokenizer hands f-strings to the extractor whole, so `_()` calls inside them
are translated at run time but never extracted; listing the texts here closes that gap.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication

from clinic_app.i18n import N_

SCREENSHOT_MODE = "clinicScreenshotMode"  # an application property set while taking screenshots


def shown_folder(folder: Path | str) -> str:
    """A folder as a screen shows it: the whole path, but only its name in screenshots (pictures
    meant for the documentation never show a machine's paths)."""
    app = QCoreApplication.instance()
    if app is not None and app.property(SCREENSHOT_MODE):
        return Path(folder).name
    return str(folder)


IN_F_STRINGS = (
    N_("Safe contact"),
    N_("Matters"),
    N_("No matters yet."),
    N_("no receipt yet"),
    N_("Notes"),
    N_("Grants"),
    N_("No grant recorded."),
    N_("terminated"),
    N_("Timeline"),
    N_("No notices yet. Add the receipt, biometrics or RFE notices as they arrive."),
    N_("due"),
    N_("mailed"),
    N_("Dispute"),
    N_("Today, {date}"),
)
