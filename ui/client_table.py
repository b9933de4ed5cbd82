"""Table model of clients that fetches rows page by page, so 100,000 clients never load at once."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import Qt

from clinic_app.i18n import N_
from clinic_app.services import clients, vocab
from clinic_app.services.records import ClientRow
from clinic_app.services.server_session import ServerError
from clinic_app.services.vault_ops import Vault
from ui.date_input import shown_day
from ui.table_base import Index, PagedTableModel


class ClientTableModel(PagedTableModel[ClientRow]):
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
    # A search's first page: a screenful and a scroll (about 20 rows show at 1366x768); the
    # rest comes PAGE at a time as the person scrolls. Building fewer rows on each keystroke
    # keeps typing within reach of the bare FTS5 query (bench/search.py).
    SEARCH_PAGE = 50

    def __init__(self, vault: Vault | None = None) -> None:
        super().__init__()
        self._vault = vault
        self._search = ""
        self._order = "last_name"
        self._descending = False
        self.reload()

    # -- Qt model API -----------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            # The tooltip says a cell whole: the list keeps one line per client and cuts long
            # employer names.
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

    def client_id(self, row: int) -> int | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def a_number(self, row: int) -> str:
        return (self._rows[row].a_number or "") if 0 <= row < len(self._rows) else ""

    def set_vault(self, vault: Vault | None, search: str = "") -> None:
        self._vault = vault
        self._search = search.strip() if vault is not None else ""
        self.reload()

    def set_search(self, text: str) -> None:
        self._search = text.strip()
        self.reload()

    def _first_read(self) -> tuple[int, list[ClientRow]]:
        if self._vault is not None and self._search:
            # As the person types: the count and the first page in one read.
            return clients.search_page(
                self._vault, search_text=self._search, limit=self.SEARCH_PAGE
            )
        return (clients.count_clients(self._vault) if self._vault else 0), []

    def _read_page(self, offset: int, limit: int) -> list[ClientRow] | None:
        if self._vault is None:
            return None
        return clients.list_clients(
            self._vault,
            search_text=self._search,
            offset=offset,
            limit=limit,
            order_by=self._order,
            descending=self._descending,
        )
