"""Writes resources/locale/LANG/LC_MESSAGES/qt_gaps.qm: the Qt words ui/qt_gaps.py lists, in
each language of the app's catalog (run by scripts/i18n.sh after the catalogs are compiled)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clinic_app.i18n import _, set_language  # noqa: E402
from ui.qt_gaps import FILE_NAME, GAPS  # noqa: E402


def ts_text(lang: str) -> str:
    """The gaps as a Qt Linguist source file, in `lang` (words without a translation left out)."""
    set_language(lang)
    contexts: dict[str, list[str]] = {}
    for context, source, disambiguation, msgid in GAPS:
        said = _(msgid)
        if said == msgid:
            continue
        comment = f"<comment>{escape(disambiguation)}</comment>" if disambiguation else ""
        contexts.setdefault(context, []).append(
            f"<message><source>{escape(source)}</source>{comment}"
            f"<translation>{escape(said)}</translation></message>"
        )
    body = "".join(
        f"<context><name>{escape(name)}</name>{''.join(messages)}</context>"
        for name, messages in sorted(contexts.items())
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS>'
        f'<TS version="2.1" language="{lang}">{body}</TS>\n'
    )


def main() -> int:
    lrelease = shutil.which("pyside6-lrelease", path=str(Path(sys.executable).parent))
    if lrelease is None:
        print("pyside6-lrelease is missing: run scripts/setup.sh first", file=sys.stderr)
        return 1
    for folder in sorted((ROOT / "resources" / "locale").glob("*/LC_MESSAGES")):
        lang = folder.parent.name
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / f"qt_gaps_{lang}.ts"
            source.write_text(ts_text(lang), encoding="utf-8")
            subprocess.run(
                [lrelease, "-silent", str(source), "-qm", str(folder / FILE_NAME)], check=True
            )
        print(f"wrote {(folder / FILE_NAME).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
