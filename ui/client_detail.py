"""Summary of one client: identity, contact, safe-contact notes, their matters (to open) and notes."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from clinic_app.i18n import _
from clinic_app.services import clients, matters, notes, vocab
from clinic_app.services.vault_ops import Vault
from ui.date_input import shown_day
from ui.labels import KIND_LABELS, STATUS_LABELS

MIN_WIDTH = 340  # an address line, an A-number and an employer's name fit whole


class ClientDetail(QScrollArea):
    """Shows the client chosen in the table; a matter listed here opens in the Matters screen."""

    open_matter = Signal(int)
    new_matter = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setMinimumWidth(MIN_WIDTH)
        self.client_id: int | None = None
        self.label = QLabel()
        self.label.setObjectName("clientDetail")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setAccessibleName(_("Client details"))
        self.matters_heading = QLabel("<h3>" + html.escape(_("Matters")) + "</h3>")
        self.matter_list = QListWidget()
        self.matter_list.setObjectName("clientMatters")
        self.matter_list.setAccessibleName(_("The client's matters"))
        self.matter_list.setWordWrap(True)
        # A matter's line of end dates wraps to the panel's width; the list is as tall as its
        # wrapped items, measured again whenever the panel's width changes (else its last line
        # is cut off under the buttons).
        self.matter_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.matter_list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.matter_list.installEventFilter(self)
        self.matter_list.itemActivated.connect(lambda _item: self._open())
        self.matter_list.currentItemChanged.connect(lambda *_a: self._update_buttons())
        self.open_button = QPushButton(_("Open matter"))
        self.open_button.clicked.connect(lambda _c=False: self._open())
        self.new_matter_button = QPushButton(_("New matter…"))
        self.new_matter_button.clicked.connect(lambda _c=False: self.new_matter.emit())
        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.new_matter_button)
        buttons.addStretch(1)
        inner = QWidget()
        box = QVBoxLayout(inner)
        box.addWidget(self.label)
        box.addWidget(self.matters_heading)
        box.addWidget(self.matter_list)
        box.addLayout(buttons)
        box.addWidget(self.notes_label)
        box.addStretch(1)
        self.setWidget(inner)
        self.clear()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.matter_list and event.type() == QEvent.Type.Resize:
            old, new = event.oldSize(), event.size()  # type: ignore[attr-defined]
            if old.width() != new.width():
                self._fit_matters()
        return super().eventFilter(watched, event)

    def _fit_matters(self) -> None:
        """The list as tall as its items wrapped at its width (at most 300 pixels, then it
        scrolls), so every line of every matter shows."""
        view = self.matter_list
        view.doItemsLayout()
        rows = sum(view.visualItemRect(view.item(r)).height() for r in range(view.count()))
        view.setFixedHeight(min(300, rows + 2 * view.frameWidth() + 2))

    def clear(self) -> None:
        self.client_id = None
        self.label.setText(_("Select a client to see their details."))
        self.matter_list.clear()
        self.notes_label.clear()
        for widget in (self.matters_heading, self.matter_list, self.open_button):
            widget.hide()
        self.new_matter_button.hide()

    def _update_buttons(self) -> None:
        item = self.matter_list.currentItem()
        self.open_button.setEnabled(item is not None and item.data(Qt.ItemDataRole.UserRole))

    def _open(self) -> None:
        item = self.matter_list.currentItem()
        if item is not None and item.data(Qt.ItemDataRole.UserRole):
            self.open_matter.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def select_matter(self, matter_id: int) -> bool:
        for row in range(self.matter_list.count()):
            if self.matter_list.item(row).data(Qt.ItemDataRole.UserRole) == matter_id:
                self.matter_list.setCurrentRow(row)
                return True
        return False

    def show_client(self, vault: Vault, client_id: int) -> None:
        self.client_id = client_id
        client = clients.get_client(vault, client_id=client_id)
        its_matters = matters.list_matters(vault, client_id=client_id)
        its_notes = notes.list_notes(vault, client_id=client_id)
        esc = html.escape
        rows = [
            (_("A-number"), client.a_number or _("none")),
            (_("Born"), shown_day(client.date_of_birth)),
            (_("Country of birth"), vocab.country_label(client.country_of_birth or "")),
            (_("Languages"), ", ".join(map(vocab.language_label, client.preferred_languages))),
            (_("Phone"), client.phone),
            (_("Email"), client.email),
            (_("Address"), client.address),
            (_("Other names"), "; ".join(client.other_names)),
        ]
        parts = [f"<h2>{esc(client.full_name)}</h2>"]
        if client.safe_contact:
            parts.append(
                f"<p style='background:#fff3cd;color:#5c4400;padding:6px'><b>{esc(_('Safe contact'))}:"
                f"</b> {esc(client.safe_contact)}</p>"
            )
        # Values never break inside (an A-number or a phone number split over two lines is
        # misread); addresses keep their own line breaks.
        parts.append(
            "<table cellspacing='4'>"
            + "".join(
                f"<tr><td valign='top'><b>{esc(k)}</b></td>"
                f"<td>{esc(str(v)).replace(chr(10), '<br/>')}</td></tr>"
                for k, v in rows
                if v
            )
            + "</table>"
        )
        self.label.setText("".join(parts))
        self.matter_list.clear()
        for m in its_matters:
            ends = []
            if m.grant_end:
                ends.append(_("deferred action ends {date}").format(date=shown_day(m.grant_end)))
            if m.work_permit_end:
                ends.append(_("work permit ends {date}").format(date=shown_day(m.work_permit_end)))
            if m.terminated_on:
                ends.append(_("terminated {date}").format(date=shown_day(m.terminated_on)))
            lines = [
                " · ".join(
                    p
                    for p in (
                        _(KIND_LABELS.get(m.kind, m.kind)),
                        _(STATUS_LABELS.get(m.status, m.status)),
                        m.employer,
                    )
                    if p
                ),
                m.receipt_number or _("no receipt yet"),
            ]
            if ends:
                lines.append("; ".join(ends))
            item = QListWidgetItem("\n".join(lines))
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            item.setToolTip(_("Double-click or press Enter to open the matter"))
            self.matter_list.addItem(item)
        if not its_matters:
            empty = QListWidgetItem(_("No matters yet — New matter… opens one."))
            empty.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.matter_list.addItem(empty)
        for widget in (
            self.matters_heading,
            self.matter_list,
            self.open_button,
            self.new_matter_button,
        ):
            widget.show()
        self._fit_matters()
        if its_matters:
            self.matter_list.setCurrentRow(0)
        self._update_buttons()
        note_parts = []
        if its_notes:
            note_parts.append(f"<h3>{esc(_('Notes'))}</h3>")
            note_parts.extend(
                f"<p>{esc(shown_day(n.created_at.date()))}: {esc(n.body)}</p>" for n in its_notes
            )
        self.notes_label.setText("".join(note_parts))

    def text(self) -> str:
        """Everything the panel shows, as plain text (for tests and screen readers alike)."""
        items = [self.matter_list.item(r).text() for r in range(self.matter_list.count())]
        return "\n".join([self.label.text(), *items, self.notes_label.text()])
