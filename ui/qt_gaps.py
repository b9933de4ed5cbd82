"""Qt's own words that its Spanish catalog leaves in English, as a small Qt catalog of ours."""

from __future__ import annotations

from pathlib import Path

from clinic_app.i18n import N_
from clinic_app.resources import resource_path

# (Qt's context, Qt's source text, Qt's disambiguation) and the same words in the app's
# catalog. Found by opening Qt's file dialog in Spanish and listing every label, button,
# tooltip, header and type still in English; tests/ui/test_qt_gaps.py does the same, so a gap a
# Qt update opens is noticed. scripts/qt_gaps.py writes them into each language's qt_gaps.qm
# (scripts/i18n.sh runs it): a real Qt catalog, so every other word still comes from Qt's.
GAPS: tuple[tuple[str, str, str, str], ...] = (
    ("QFileDialog", "&Look in:", "", N_("&Look in:")),
    ("QFileDialog", "Files of &type:", "", N_("Files of &type:")),
    # The file list's Type column for a folder and for a drive.
    ("QAbstractFileIconProvider", "Folder", "All other platforms", N_("Folder")),
    ("QAbstractFileIconProvider", "Drive", "", N_("Drive")),
)

FILE_NAME = "qt_gaps.qm"


def catalog(lang: str) -> Path:
    """The compiled Qt catalog of the gaps for `lang` (missing for English)."""
    return resource_path("locale", lang, "LC_MESSAGES", FILE_NAME)
