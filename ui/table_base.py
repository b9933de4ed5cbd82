"""The part every table model here shares: a list of records and translated column headers;
and for the long lists, rows read page by page as the person scrolls."""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from clinic_app.i18n import _
from clinic_app.services.server_session import ServerError

Index = QModelIndex | QPersistentModelIndex
R = TypeVar("R")


class RecordTableModel(QAbstractTableModel, Generic[R]):
    """Subclasses name their columns in HEADERS (marked with N_) and fill `_rows`."""

    HEADERS: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[R] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(self.HEADERS[section])
        return None

    def record(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None


class PagedTableModel(RecordTableModel[R]):
    """Rows read PAGE at a time as the person scrolls, so 100,000 records never load at once.
    Subclasses read: `_first_read()` the total (and the first rows where one read gives both),
    `_read_page()` the rows from an offset."""

    PAGE = 200
    # A read Qt asked for (more rows as the person scrolls, a header clicked to sort) that the
    # clinic server could not answer: the screen says its one sentence; the view sees no error.
    failed = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self._total = 0
        self._paused = False  # after a failed page: no more tries until the next reload
        self.fetches = 0  # pages fetched since the last reset (tests read it)

    def _first_read(self) -> tuple[int, list[R]]:
        """How many rows there are, and the first of them if the same read gives them."""
        raise NotImplementedError

    def _read_page(self, offset: int, limit: int) -> list[R] | None:
        """`limit` rows from `offset`, or None with no store to read."""
        raise NotImplementedError

    @property
    def total(self) -> int:
        return self._total

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._paused and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        try:
            page = self._read_page(len(self._rows), self.PAGE)
        except ServerError as exc:
            # Each scroll would try again, and wait again if the network is gone: the rows
            # shown stay, and the screen's reload once the server is back fetches the rest.
            self._paused = True
            self.failed.emit(exc)
            return
        if page is None:
            return
        if not page:
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()
        self.fetches += 1

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = []
        self._total = 0
        self._paused = False
        self.fetches = 0
        try:  # a read that fails (the clinic server unreachable) leaves an empty, usable table
            self._total, self._rows = self._first_read()
            self.fetches = 1 if self._rows else 0
        finally:
            self.endResetModel()
        if not self._rows and self.canFetchMore():
            self.fetchMore()
