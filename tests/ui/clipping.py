"""Find text a person cannot read whole: a label, button, combo box, table header, empty field's
placeholder or visible table cell narrower than its text (an elided cell or placeholder counts,
unless its tooltip carries the whole text)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from PySide6.QtCore import QModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QRadioButton,
    QStyle,
    QStyleOptionComboBox,
    QTableView,
    QTreeView,
    QWidget,
)

TAG = re.compile(r"<[^>]+>")


def _plain(label: QLabel) -> str:
    text = label.text()
    if label.textFormat() == Qt.TextFormat.PlainText:
        return text
    if GuiQt.mightBeRichText(text) or label.textFormat() == Qt.TextFormat.RichText:
        return ""  # rich text wraps by its own layout; checked by height below
    return text


def _cut_sideways(widget: QWidget) -> bool:
    """Partly hidden left or right by what holds it (a pane too narrow for a row of buttons).
    Cut at the top or bottom is only scrolling, and a scroll area's whole point."""
    visible = widget.visibleRegion().boundingRect()
    return not visible.isEmpty() and visible.width() < widget.width() - 1


def _visible_rows(view: QAbstractItemView) -> Iterator[QModelIndex]:
    """The first-column index of every row shown in the view's viewport, top to bottom."""
    height = view.viewport().height()
    index = view.indexAt(QPoint(1, 1))
    if isinstance(view, QTreeView):
        while index.isValid() and view.visualRect(index).top() < height:
            yield index.siblingAtColumn(0)
            index = view.indexBelow(index)
    elif isinstance(view, QTableView):
        model = view.model()
        row = index.row()
        while 0 <= row < model.rowCount() and view.rowViewportPosition(row) < height:
            if not view.isRowHidden(row):
                yield model.index(row, 0)
            row += 1


def _cells(view: QAbstractItemView) -> Iterator[str]:
    """One line per visible cell whose text is wider than the cell shows."""
    model = view.model()
    header = view.header() if isinstance(view, QTreeView) else view.horizontalHeader()  # type: ignore[attr-defined]
    style = view.style()
    margin = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1)
    name = view.accessibleName() or view.objectName() or type(view).__name__
    for first in _visible_rows(view):
        for column in range(model.columnCount(first.parent())):
            if header.isSectionHidden(column):
                continue
            index = first.siblingAtColumn(column)
            rect = view.visualRect(index)
            if not index.isValid() or rect.width() <= 0:
                continue
            text = str(model.data(index, Qt.ItemDataRole.DisplayRole) or "")
            if not text:
                continue
            font = model.data(index, Qt.ItemDataRole.FontRole)
            metrics = QFontMetrics(font) if isinstance(font, QFont) else view.fontMetrics()
            needed = max(metrics.horizontalAdvance(line) for line in text.splitlines()) + margin
            if model.data(index, Qt.ItemDataRole.DecorationRole) is not None:
                needed += view.iconSize().width() + 4
            tip = str(model.data(index, Qt.ItemDataRole.ToolTipRole) or "")
            if needed > rect.width() + 1 and view.wordWrap():
                # Wrapped onto more lines: cut only if they need more height than the row has,
                # or one word is wider than the cell.
                room = QRect(
                    0, 0, rect.width() - (needed - metrics.horizontalAdvance(text)), 10_000
                )
                wrapped = metrics.boundingRect(room, Qt.TextFlag.TextWordWrap, text)
                if wrapped.height() <= rect.height() + 1 and wrapped.width() <= room.width():
                    continue
            if needed > rect.width() + 1 and text not in tip:
                yield (
                    f"cell '{text[:50]}' (column {column}) of {name}: "
                    f"needs {needed}px, has {rect.width()}"
                )


def _list_items(view: QListView) -> Iterator[str]:
    """An item cut off at the bottom of a list that does not scroll: a list sized to its items
    that is shorter than they are once wrapped, so its last lines are simply not there."""
    if view.verticalScrollBar().maximum() > 0:
        return  # the rest is a scroll away
    model = view.model()
    height = view.viewport().height()
    name = view.accessibleName() or view.objectName() or type(view).__name__
    for row in range(model.rowCount()):
        rect = view.visualRect(model.index(row, view.modelColumn()))
        if rect.isValid() and rect.top() < height and rect.bottom() >= height:
            text = str(model.data(model.index(row, view.modelColumn())) or "")
            yield (
                f"item '{text[:50]}' of {name}: {rect.height()}px tall, "
                f"{height - rect.top()}px shown"
            )


def _combos(root: QWidget) -> Iterator[str]:
    """A combo box whose chosen item is wider than its text field (the list that drops down
    shows every item whole; the closed box is what a person reads)."""
    for combo in root.findChildren(QComboBox):
        text = combo.currentText()
        if not combo.isVisibleTo(root) or not text or combo.width() <= 1 or combo.isEditable():
            continue
        option = QStyleOptionComboBox()
        combo.initStyleOption(option)
        field = combo.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
        )
        width = combo.fontMetrics().horizontalAdvance(text)
        if width > field.width() + 1 and text not in combo.toolTip():
            name = combo.accessibleName() or combo.objectName() or "combo box"
            yield f"combo box {name} '{text[:60]}': needs {width}px, has {field.width()}"


def _placeholders(root: QWidget) -> Iterator[str]:
    """An empty field's placeholder (what to type there) wider than the field shows it, unless
    its tooltip carries the whole text."""
    for field in root.findChildren(QLineEdit):
        hint = field.placeholderText()
        if not field.isVisibleTo(root) or field.text() or not hint or field.width() <= 1:
            continue
        room = (
            field.width()
            - 2 * field.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth)
            - 4
        )
        room -= sum(action.icon().isNull() is False for action in field.actions()) * 20
        width = field.fontMetrics().horizontalAdvance(hint)
        if width > room + 1 and hint not in field.toolTip():
            name = field.accessibleName() or field.objectName() or "field"
            yield f"placeholder of {name} '{hint[:60]}': needs {width}px, has {room}"


def clipped(root: QWidget) -> list[str]:
    """One line per clipped text under `root` (only what is shown on screen)."""
    found: list[str] = []
    for widget in root.findChildren(QLabel) + root.findChildren(QAbstractButton):
        if widget.isVisibleTo(root) and widget.text() and _cut_sideways(widget):
            visible = widget.visibleRegion().boundingRect().width()
            found.append(
                f"{type(widget).__name__} '{TAG.sub('', widget.text())[:60]}': "
                f"{visible}px of {widget.width()} shown"
            )
    for label in root.findChildren(QLabel):
        if not label.isVisibleTo(root) or label.width() <= 1 or not label.text():
            continue
        rect = label.contentsRect()
        if label.wordWrap() or not _plain(label):
            # Wrapped or rich text: clipped when it needs more height than it has.
            needed = (
                label.heightForWidth(rect.width())
                if label.wordWrap()
                else label.sizeHint().height()
            )
            if needed > rect.height() + 2 and label.sizeHint().height() > rect.height() + 2:
                found.append(
                    f"label {label.objectName() or ''!s} '{TAG.sub('', label.text())[:60]}': needs {needed}px height, has {rect.height()}"
                )
            elif not label.wordWrap() and label.sizeHint().width() > rect.width() + 2:
                found.append(
                    f"label '{TAG.sub('', label.text())[:60]}': needs {label.sizeHint().width()}px, has {rect.width()}"
                )
            continue
        width = label.fontMetrics().horizontalAdvance(label.text().replace("&", ""))
        if width > rect.width() + 1:
            found.append(f"label '{label.text()[:60]}': needs {width}px, has {rect.width()}")
    for button in root.findChildren(QAbstractButton):
        if not button.isVisibleTo(root) or not button.text() or button.width() <= 1:
            continue
        text = button.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        width = button.fontMetrics().horizontalAdvance(text)
        style = button.style()
        if isinstance(button, QCheckBox | QRadioButton):
            width += style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth) + 6
        else:
            width += 2 * style.pixelMetric(QStyle.PixelMetric.PM_ButtonMargin)
        if not button.icon().isNull():
            width += button.iconSize().width() + 4
        if width > button.width() + 1:
            found.append(f"button '{text[:60]}': needs {width}px, has {button.width()}")
    found += _combos(root)
    found += _placeholders(root)
    for view in root.findChildren(QAbstractItemView):
        if not view.isVisibleTo(root):
            continue
        if isinstance(view, QTableView | QTreeView) and view.model() is not None:
            found += _cells(view)
        if isinstance(view, QListView) and view.model() is not None:
            found += _list_items(view)
        header = getattr(view, "horizontalHeader", lambda: None)()
        if not isinstance(header, QHeaderView) or not header.isVisibleTo(root):
            continue
        model = view.model()
        margin = 2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin)
        for section in range(header.count()):
            if header.isSectionHidden(section):
                continue
            text = str(model.headerData(section, Qt.Orientation.Horizontal) or "")
            width = header.fontMetrics().horizontalAdvance(text) + margin
            if header.sortIndicatorSection() == section and header.isSortIndicatorShown():
                width += header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize)
            if text and width > header.sectionSize(section) + 1:
                found.append(
                    f"header '{text}' of {view.accessibleName() or view.objectName()}: "
                    f"needs {width}px, has {header.sectionSize(section)}"
                )
    return found
