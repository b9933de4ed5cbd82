"""Table model of clients that fetches rows page by page, so 100,000 clients never load at once."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QModelIndex, Qt, Signal

from clinic_app.i18n import N_
from clinic_app.services import clients, vocab
from clinic_app.services.records import ClientRow
from clinic_app.services.server_session import ServerError
from clinic_app.services.vault_ops import Vault
from ui.date_input import shown_day
from ui.table_base import Index, RecordTableModel


class ClientTableModel(RecordTableModel[ClientRow]):
    """Columns are named constants; `set_search()` swaps the query and resets the rows."""

    NAME, A_NUMBER, BORN, COUNTRY, LANGUAGE, EMPLOYER = range(6)
    HEADERS = (
        N_("Name"),
        N_("A-number"),
        N_("Born"),
        N_("Country of birth"),
        N_("Language"),
        N_("Employer"),
    )
    SORT_KEYS: ClassVar[dict[int, str]] = {
        NAME: "last_name",
        A_NUMBER: "a_number",
        BORN: "date_of_birth",
        COUNTRY: "country_of_birth",
    }
    PAGE = 200
    # A search's first page: a screenful and a scroll (about 20 rows show at 1366x768); the
    # rest comes PAGE at a time as the person scrolls. Building fewer rows on each keystroke
    # keeps typing within reach of the bare FTS5 query (bench/search.py).
    SEARCH_PAGE = 50
    # A read Qt asked for (scrolling to more rows, a header clicked to sort) that the clinic
    # server could not answer: the screen says its one sentence; the view never sees an error.
    failed = Signal(object)

    def __init__(self, vault: Vault | None = None) -> None:
        super().__init__()
        self._vault = vault
        self._total = 0
        self._paused = False  # after a failed page: no more tries until the next reload
        self._search = ""
        self._order = "last_name"
        self._descending = False
        self.fetches = 0  # pages fetched since the last reset (tests read it)
        self.reload()

    # -- Qt model API -----------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == self.NAME:
                return row.full_name
            if column == self.A_NUMBER:
                return row.a_number or ""
            if column == self.BORN:
                return shown_day(row.date_of_birth)
            if column == self.COUNTRY:
                return vocab.country_label(row.country_of_birth or "")
            if column == self.LANGUAGE:
                return vocab.language_label(row.preferred_language or "")
            if column == self.EMPLOYER:
                return row.employer
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._paused and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self._vault is None or parent.isValid():
            return
        try:
            page = clients.list_clients(
                self._vault,
                search_text=self._search,
                offset=len(self._rows),
                limit=self.PAGE,
                order_by=self._order,
                descending=self._descending,
            )
        except ServerError as exc:
            # Each scroll would try again, and wait again if the network is gone: the rows
            # shown stay, and the screen's reload once the server is back fetches the rest.
            self._paused = True
            self.failed.emit(exc)
            return
        if not page:
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()
        self.fetches += 1

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.SORT_KEYS.get(column)
        if key is None or self._search:
            return  # search results stay in best-match order
        self._order, self._descending = key, order == Qt.SortOrder.DescendingOrder
        try:
            self.reload()
        except ServerError as exc:
            self.failed.emit(exc)

    # -- ours ---------------------------------------------------------------------------

    @property
    def total(self) -> int:
        return self._total

    def client_id(self, row: int) -> int | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def set_vault(self, vault: Vault | None, search: str = "") -> None:
        self._vault = vault
        self._search = search.strip() if vault is not None else ""
        self.reload()

    def set_search(self, text: str) -> None:
        self._search = text.strip()
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = []
        self._total = 0
        self._paused = False
        self.fetches = 0
        try:  # a read that fails (the clinic server unreachable) leaves an empty, usable table
            if self._vault is not None and self._search:
                # As the person types: the count and the first page in one read.
                self._total, self._rows = clients.search_page(
                    self._vault, search_text=self._search, limit=self.SEARCH_PAGE
                )
                self.fetches = 1 if self._rows else 0
                return
            self._total = clients.count_clients(self._vault) if self._vault else 0
        finally:
            self.endResetModel()
        if self.canFetchMore():
            self.fetchMore()
