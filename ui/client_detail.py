"""Read-only summary of one client: identity, contact, safe-contact notes, matters and notes."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from clinic_app.i18n import _
from clinic_app.services import clients, matters, notes
from clinic_app.services.vault_ops import Vault
from ui.matter_view import KIND_LABELS, STATUS_LABELS


class ClientDetail(QScrollArea):
    """Shows the client chosen in the table; empty state says what to do."""

    def __init__(self) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.label = QLabel()
        self.label.setObjectName("clientDetail")
        self.label.setWordWrap(True)
        self.label.setAccessibleName(_("Client details"))
        inner = QWidget()
        box = QVBoxLayout(inner)
        box.addWidget(self.label)
        box.addStretch(1)
        self.setWidget(inner)
        self.clear()

    def clear(self) -> None:
        self.label.setText(_("Select a client to see their details."))

    def show_client(self, vault: Vault, client_id: int) -> None:
        client = clients.get_client(vault, client_id=client_id)
        its_matters = matters.list_matters(vault, client_id=client_id)
        its_notes = notes.list_notes(vault, client_id=client_id)
        esc = html.escape
        rows = [
            (_("A-number"), client.a_number or _("none")),
            (_("Born"), client.date_of_birth.isoformat() if client.date_of_birth else ""),
            (_("Country of birth"), client.country_of_birth),
            (_("Languages"), ", ".join(client.preferred_languages)),
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
        parts.append(
            "<table cellspacing='4'>"
            + "".join(
                f"<tr><td><b>{esc(k)}</b></td><td>{esc(str(v))}</td></tr>" for k, v in rows if v
            )
            + "</table>"
        )
        parts.append(f"<h3>{esc(_('Matters'))}</h3>")
        if not its_matters:
            parts.append(f"<p>{esc(_('No matters yet.'))}</p>")
        for m in its_matters:
            ends = []
            if m.grant_end:
                ends.append(_("deferred action ends {date}").format(date=m.grant_end.isoformat()))
            if m.work_permit_end:
                ends.append(_("work permit ends {date}").format(date=m.work_permit_end.isoformat()))
            if m.terminated_on:
                ends.append(_("terminated {date}").format(date=m.terminated_on.isoformat()))
            parts.append(
                f"<p><b>{esc(_(KIND_LABELS.get(m.kind, m.kind)))}</b> · {esc(_(STATUS_LABELS.get(m.status, m.status)))}"
                f" · {esc(m.employer)}"
                f"<br/>{esc(m.receipt_number or _('no receipt yet'))}"
                + (f"<br/>{esc('; '.join(ends))}" if ends else "")
                + "</p>"
            )
        if its_notes:
            parts.append(f"<h3>{esc(_('Notes'))}</h3>")
            parts.extend(
                f"<p>{esc(n.created_at.strftime('%Y-%m-%d'))}: {esc(n.body)}</p>" for n in its_notes
            )
        self.label.setText("".join(parts))
