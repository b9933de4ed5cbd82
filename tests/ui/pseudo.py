"""A pseudo-locale for tests: every catalog string comes back ~40% longer between ⟦ and ⟧, so
any text on screen without the markers never went through the catalog."""

from __future__ import annotations

import gettext
import html
import re
import tomllib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
    QWizard,
)
from sqlalchemy import String, select
from sqlmodel import SQLModel

from clinic_app import i18n
from clinic_app.documents.context import language_name
from clinic_app.domain.vocab import KNOWN_AGENCIES
from clinic_app.resources import resource_path
from clinic_app.services.vault_ops import Vault

OPEN, CLOSE = "⟦", "⟧"
_MARKED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
_TAG = re.compile(r"<[^>]+>")
# Shortcuts as Qt writes them (Qt translates its key names itself).
_SHORTCUT = re.compile(r"\b(?:(?:Ctrl|Shift|Alt|Meta)\+)+\w+\b|\b(?:F\d+|Del|Esc|PgUp|PgDown)\b")
_ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")  # the desktop writes dates as the language does
_ID_LIKE = re.compile(r"^[a-z0-9_.\-]+$")  # ids ('investigating') are never allowed as data
_LETTER = re.compile(r"[^\W\d_]")


def pseudo(text: str) -> str:
    if not text:
        return text
    return f"{OPEN}{text}{'·' * max(1, round(len(text) * 0.4))}{CLOSE}"


def catalog_ids() -> set[str]:
    """Every msgid of the shipped template (.pot): what translators are given to translate."""
    from babel.messages.pofile import read_po

    with resource_path("locale", "clinic_app.pot").open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


class PseudoTranslations(gettext.NullTranslations):
    """Marks only what is in the catalog: a `_()` whose text extraction never saw (built in an
    f-string, say) stays unmarked, as it would stay English for a Spanish speaker."""

    def __init__(self) -> None:
        super().__init__()
        self.known = catalog_ids()

    def gettext(self, message: str) -> str:
        return pseudo(message) if message in self.known else message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        text = msgid1 if n == 1 else msgid2
        return pseudo(text) if msgid1 in self.known else text


@contextmanager
def pseudo_locale(app: QApplication) -> Iterator[None]:
    """Every `_()` and `ngettext()` answers in the pseudo-locale (dates and Qt stay English)."""
    from ui.app import apply_language

    apply_language(app, "en")
    i18n._translation = PseudoTranslations()  # the one place a test swaps the catalog
    app.setApplicationDisplayName(i18n._("Clinic case manager"))
    try:
        yield
    finally:
        apply_language(app, "en")


# -- what may appear unmarked: the people's data, the rule packs' own texts, Qt's own words ---------


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "translations":  # other languages' texts are not shown in this one
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _qt_words() -> set[str]:
    """Texts Qt itself writes on its standard buttons (translated by qtbase_xx, not our catalog)."""
    box = QDialogButtonBox()
    for flag in QDialogButtonBox.StandardButton:
        if flag not in (QDialogButtonBox.StandardButton.NoButton,):
            box.addButton(flag)
    words = {b.text().replace("&", "") for b in box.buttons()}
    wizard = QWizard()
    for which in QWizard.WizardButton:
        words.add(wizard.buttonText(which).replace("&", ""))
    box.deleteLater()
    wizard.deleteLater()
    return {w for w in words if w}


def _is_text(kind: Any) -> bool:
    return isinstance(kind, String) or isinstance(getattr(kind, "impl", None), String)


class Allowed:
    """Removes from a screen text everything that may be there without the markers."""

    def __init__(self, vault: Vault) -> None:
        data: set[str] = set()
        codes: set[str] = set()
        with vault.session() as session:
            for table in SQLModel.metadata.sorted_tables:
                if table.name.startswith(("audit", "alembic")):
                    continue
                columns = [c for c in table.columns if _is_text(c.type)]
                for column in columns:
                    for (value,) in session.execute(select(column)):
                        for part in str(value or "").splitlines():
                            part = part.strip()
                            if len(part) > 1 and not _ID_LIKE.match(part):
                                data.add(part)
                            if column.name == "preferred_languages":
                                codes.update(c.strip() for c in part.split(",") if c.strip())
        words = {w for d in data if OPEN not in d for w in re.findall(r"[^\W\d_][\w'’.-]*", d)}
        # Rule packs and packet checklists carry their own texts per language (tested apart);
        # their sentences are shown filled in ("ends {date}" → "ends Dec 5, 2026").
        packs: set[str] = set()
        for path in [
            *resource_path("rules").glob("*.toml"),
            *resource_path("packets").glob("*.toml"),
        ]:
            packs.update(
                s.strip() for s in _strings(tomllib.loads(path.read_text("utf-8"))) if len(s) > 3
            )
        self.packs = re.compile(
            "|".join(
                ".+?".join(re.escape(part) for part in re.split(r"\{\w+\}", text))
                for text in sorted(packs, key=len, reverse=True)
            )
        )
        from babel import Locale

        english = Locale.parse("en_US")
        names = set(english.territories.values()) | set(english.languages.values())
        names = names | {n.replace("’", "'") for n in names}
        # Languages named as their speakers write them (the language menu), agencies' own names.
        names |= set(i18n.LANGUAGES.values()) | set(KNOWN_AGENCIES) | set(KNOWN_AGENCIES.values())
        names |= {language_name(code, "en") for code in codes}
        for width in ("abbreviated", "wide"):
            names |= set(english.months["format"][width].values())
            names |= set(english.days["format"][width].values())
        self.qt = _qt_words()
        data -= {""}
        # Names are matched whole, longest first; a person's name words also one by one (a
        # list may show "first last" while the vault keeps them apart).
        self.literals = self._whole(data | words)
        self.names = self._whole(names)

    @staticmethod
    def _whole(texts: set[str]) -> re.Pattern[str]:
        alternatives = "|".join(re.escape(t) for t in sorted(texts - {""}, key=len, reverse=True))
        return re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)")

    def leftover(self, text: str) -> str:
        """What is left of `text` once marked spans, data, pack texts and names are taken out."""
        # Rich text: its words, not its markup; plain text: without mnemonics ('&Save').
        text = html.unescape(_TAG.sub(" ", text)) if "<" in text else re.sub(r"&(?=\w)", "", text)
        if text.strip() in self.qt:
            return ""
        while _MARKED.search(text):
            text = _MARKED.sub(" ", text)
        if _ISO_DAY.search(text):
            return _ISO_DAY.search(text).group()  # type: ignore[union-attr]
        text = self.packs.sub(" ", text)
        text = self.literals.sub(" ", text)
        text = self.names.sub(" ", text)
        text = _SHORTCUT.sub(" ", text)
        text = re.sub(r"\b[A-Z]{2}\b", " ", text)  # state codes ('TX')
        # A-numbers, receipt numbers and case numbers are data too, however they are written.
        text = re.sub(r"\bA[-\s]?\d[\d\-\s]{6,}\b|\b[A-Z]{3}\d{10}\b", " ", text)
        return text.strip() if _LETTER.search(text) else ""


# -- what is on screen --------------------------------------------------------------------------


def _view_texts(view: QAbstractItemView, max_rows: int = 40) -> Iterator[str]:
    model = view.model()
    if model is None:
        return
    header_view = view.findChild(QHeaderView)
    if header_view is not None and header_view.isVisibleTo(view):
        for section in range(header_view.count()):
            header = model.headerData(section, Qt.Orientation.Horizontal)
            if header is not None and not header_view.isSectionHidden(section):
                yield str(header)

    def columns(parent: QModelIndex) -> int:
        try:
            return int(model.columnCount(parent))
        except TypeError:  # a list model keeps columnCount private: one column
            return 1

    def rows(parent: QModelIndex, depth: int) -> Iterator[str]:
        for row in range(min(model.rowCount(parent), max_rows)):
            for column in range(columns(parent)):
                index = model.index(row, column, parent)
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    value = index.data(role)
                    if isinstance(value, str) and value:
                        yield value
                if column == 0 and depth < 2 and model.rowCount(index) > 0:
                    yield from rows(index, depth + 1)

    yield from rows(QModelIndex(), 0)


def screen_texts(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for every text a person can see in `root` (visible widgets only)."""
    if root.isWindow():
        yield "window title", root.windowTitle()
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or widget.window() is not root.window():
            continue
        kind = type(widget).__name__
        name = widget.objectName() or kind
        if isinstance(widget, QLabel):
            yield name, widget.text()
        elif isinstance(widget, QAbstractButton):
            yield name, widget.text()
            yield f"{name} tooltip", widget.toolTip()
        elif isinstance(widget, QGroupBox):
            yield name, widget.title()
        elif isinstance(widget, QTabBar):
            for i in range(widget.count()):
                yield name, widget.tabText(i)
        elif isinstance(widget, QLineEdit) and not isinstance(widget.parent(), QComboBox):
            yield f"{name} placeholder", widget.placeholderText()
            yield f"{name} accessible name", widget.accessibleName()
        elif isinstance(widget, QComboBox):
            yield f"{name} accessible name", widget.accessibleName()
            for i in range(widget.count()):
                yield f"{name} item", widget.itemText(i)
        elif isinstance(widget, (QPlainTextEdit, QTextEdit)) and widget.isReadOnly():
            yield name, widget.toPlainText()
        elif isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView):
            yield f"{name} accessible name", widget.accessibleName()
            for text in _view_texts(widget):
                yield f"{name} cell", text


def untranslated(root: QWidget, allowed: Allowed, where: str) -> list[str]:
    found = []
    for place, text in screen_texts(root):
        left = allowed.leftover(text or "")
        if left:
            found.append(f"{where} · {place}: {text[:90]!r} (left: {left[:100]!r})")
    return found
