"""One column of a table read whole without hovering: its text wraps, and only the rows whose
text needs more than one line grow taller (the others keep one line, so as many fit)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, Qt
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTableView

MAX_LINES = 4  # a longer task title ends with "…" on its fourth line, whole in the tooltip


class WrapDelegate(QStyledItemDelegate):
    """Draws its column's text on as many lines as the row's height gives it."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText  # type: ignore[operator]


class WrappedColumn(QObject):
    """Keeps `column` of `table` wrapped: the owner calls `fit()` after the rows change; a
    change of the column's width (the person dragging its edge) fits the rows again."""

    def __init__(self, table: QTableView, column: int) -> None:
        super().__init__(table)
        self.table, self.column = table, column
        self.paused = False  # while the owner sets every column's width: one fit at the end
        table.setItemDelegateForColumn(column, WrapDelegate(table))
        table.horizontalHeader().sectionResized.connect(self._resized)

    def _resized(self, logical: int, _old: int, _new: int) -> None:
        if logical == self.column and not self.paused:
            self.fit()

    def fit(self) -> None:
        """Each row as tall as its text in the column needs; rows that fit on one line keep
        the table's one-line height."""
        table = self.table
        model = table.model()
        metrics = table.fontMetrics()
        style = table.style()
        # The cell's own margins on either side, as the style draws them.
        margin = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1)
        room = table.columnWidth(self.column) - margin
        one = table.verticalHeader().defaultSectionSize()
        step = metrics.lineSpacing()
        heights: dict[str, int] = {}  # the same few texts repeat down a long list
        for row in range(model.rowCount()):
            text = str(model.index(row, self.column).data() or "")
            height = heights.get(text)
            if height is None:
                lines = 1
                if room > 0 and metrics.horizontalAdvance(text) > room:
                    box = metrics.boundingRect(
                        QRect(0, 0, room, 100_000), Qt.TextFlag.TextWordWrap, text
                    )
                    lines = max(1, min(MAX_LINES, -(-box.height() // step)))
                height = heights[text] = one + (lines - 1) * step
            if table.rowHeight(row) != height:
                table.setRowHeight(row, height)
