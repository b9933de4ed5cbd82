"""Clients: add, edit, find and list the workers the clinic represents."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, TypedDict, Unpack

from sqlalchemy import bindparam, func, text
from sqlmodel import Session, col, select

from clinic_app import search
from clinic_app.domain import validators as v
from clinic_app.domain.models import Client, Matter, sort_name
from clinic_app.domain.places import normalize_state, state_from_address
from clinic_app.domain.vocab import CONTACT_RULES
from clinic_app.errors import ValidationError
from clinic_app.i18n import _, format_day
from clinic_app.services import row_versions
from clinic_app.services._base import get_or_fail, insert, now, require_id
from clinic_app.services.changes import CLIENT, Changed, ChangeSet
from clinic_app.services.records import ClientRecord, ClientRow
from clinic_app.store.base import Store
from clinic_app.vault import audit


class ClientFields(TypedDict, total=False):
    """Editable client fields; values are validated and normalized by the service."""

    first_name: str
    last_name: str
    other_names: list[str] | tuple[str, ...] | str
    date_of_birth: date | str | None
    a_number: str | None
    country_of_birth: str
    preferred_languages: list[str] | tuple[str, ...] | str
    phone: str
    email: str
    address: str
    state: str
    safe_contact: str
    contact_rules: list[str] | tuple[str, ...] | str
    mail_to: str
    notes: str


SORT_COLUMNS = {
    "last_name": Client.sort_name,
    "first_name": Client.first_name,
    "a_number": Client.a_number,
    "date_of_birth": Client.date_of_birth,
    "country_of_birth": Client.country_of_birth,
    "id": Client.id,
}


MULTILINE = frozenset({"address", "safe_contact", "mail_to", "notes"})


def _split_lines(value: list[str] | tuple[str, ...] | str) -> str:
    items = value.split("\n") if isinstance(value, str) else list(value)
    lines = (v.plain_text(item, "other names") for item in items)
    return "\n".join(line for line in lines if line)


def _contact_rules(value: list[str] | tuple[str, ...] | str) -> str:
    items = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)
    rules = []
    for item in items:
        key = item.strip().lower().replace("-", "_").replace(" ", "_")
        if not key:
            continue
        if key not in CONTACT_RULES:
            raise ValidationError(
                "safe-contact rules",
                _("'{item}' is not one; use {choices}.").format(
                    item=item.strip(), choices=", ".join(CONTACT_RULES)
                ),
                label=_("safe-contact rules"),
            )
        if key not in rules:
            rules.append(key)
    return ",".join(rules)


def clean_fields(fields: ClientFields) -> dict[str, object]:
    """Validate and normalize client fields (shared by the editor and the importer)."""
    out: dict[str, object] = {}
    for name, value in fields.items():
        if name == "first_name" or name == "last_name":
            out[name] = v.plain_text(value, name.replace("_", " "))
        elif name == "other_names":
            out[name] = _split_lines(value)  # type: ignore[arg-type]
        elif name == "date_of_birth":
            born = v.parse_date(value, "date of birth")  # type: ignore[arg-type]
            if born and born > date.today():
                raise ValidationError(
                    "date of birth",
                    _("{born} is in the future.").format(born=format_day(born)),
                    label=_("date of birth"),
                )
            out[name] = born
        elif name == "a_number":
            out[name] = v.normalize_a_number(value)  # type: ignore[arg-type]
        elif name == "preferred_languages":
            text = value if isinstance(value, str) else ",".join(value)  # type: ignore[arg-type]
            out[name] = v.normalize_languages(text)
        elif name == "email":
            out[name] = v.normalize_email(value)  # type: ignore[arg-type]
        elif name == "state":
            out[name] = normalize_state(value)  # type: ignore[arg-type]
        elif name == "contact_rules":
            out[name] = _contact_rules(value)  # type: ignore[arg-type]
        elif name in ClientFields.__annotations__:
            out[name] = v.plain_text(value, name.replace("_", " "), multiline=name in MULTILINE)
        else:
            raise ValidationError(name, _("is not a client field."))
    return out


def to_record(row: Client) -> ClientRecord:
    return ClientRecord(
        id=require_id(row.id),
        first_name=row.first_name,
        last_name=row.last_name,
        other_names=tuple(line for line in row.other_names.splitlines() if line),
        date_of_birth=row.date_of_birth,
        a_number=row.a_number,
        country_of_birth=row.country_of_birth,
        preferred_languages=tuple(code for code in row.preferred_languages.split(",") if code),
        phone=row.phone,
        email=row.email,
        address=row.address,
        safe_contact=row.safe_contact,
        notes=row.notes,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        state=row.state,
        contact_rules=tuple(rule for rule in row.contact_rules.split(",") if rule),
        mail_to=row.mail_to,
    )


def _check_names(first: str, last: str) -> None:
    if not first and not last:
        raise ValidationError(
            "name",
            _("a client needs a first or a last name (one-word names go in either)."),
            label=_("name"),
        )


def _check_unique_a_number(
    session: Session, a_number: object, exclude_id: int | None = None
) -> None:
    if not a_number:
        return
    query = select(Client.id).where(Client.a_number == a_number)
    if exclude_id is not None:
        query = query.where(Client.id != exclude_id)
    other = session.exec(query).first()
    if other is not None:
        raise ValidationError(
            "A-number",
            _("{a_number} already belongs to client {other}.").format(
                a_number=a_number, other=other
            ),
            label=_("A-number"),
        )


def build_client(fields: ClientFields) -> Client:
    """A validated, not yet saved client row (its state read from the address when not given)."""
    return Client(**client_values(fields))  # type: ignore[arg-type]


def client_values(fields: ClientFields, *, cleaned: bool = False) -> dict[str, object]:
    """build_client's row as column values, for inserting many at once (the importer, whose
    fields are `cleaned` already: validated and normalized as clean_fields does)."""
    values: dict[str, object] = dict(fields) if cleaned else clean_fields(fields)
    if not values.get("state"):
        values["state"] = state_from_address(str(values.get("address", "")))
    first, last = str(values.get("first_name", "")), str(values.get("last_name", ""))
    _check_names(first, last)
    stamp = now()
    return values | {"created_at": stamp, "updated_at": stamp, "sort_name": sort_name(first, last)}


def create_in_session(session: Session, fields: ClientFields) -> Client:
    """Insert a client inside an open transaction, with its audit event."""
    row = build_client(fields)
    _check_unique_a_number(session, row.a_number)
    insert(session, row, CLIENT)
    return row


def add_client(vault: Store, **fields: Unpack[ClientFields]) -> Changed[ClientRecord]:
    """Add a client; every field is validated first and nothing is written on an error."""
    with vault.session() as session:
        row = create_in_session(session, fields)
        search.reindex_clients(session, [require_id(row.id)])
        record = to_record(row)
    return Changed(record, ChangeSet.of(CLIENT, record.id))


def update_client(
    vault: Store, *, client_id: int, version: int | None = None, **fields: Unpack[ClientFields]
) -> Changed[ClientRecord]:
    """Change some fields of a client; `version` is the one the person loaded (None: any)."""
    values = clean_fields(fields)
    with vault.session() as session:
        row = get_or_fail(session, Client, client_id, "client")
        row_versions.check(session, row, CLIENT, version)
        _check_unique_a_number(session, values.get("a_number"), exclude_id=client_id)
        if "address" in values and "state" not in values:
            # A new address that names a state says where the client lives now.
            found = state_from_address(str(values["address"]))
            if found:
                values["state"] = found
        changed = row_versions.apply_changes(
            session, row, values, kind=CLIENT, record_id=client_id, touch=True
        )
        _check_names(row.first_name, row.last_name)
        if changed:
            search.reindex_clients(session, [client_id])
        record = to_record(row)
    return Changed(record, ChangeSet.of(CLIENT, client_id) if changed else ChangeSet())


def delete_client(vault: Store, *, client_id: int, version: int | None = None) -> ChangeSet:
    """Delete a client with no matters (matters are closed, not deleted, to keep history)."""
    with vault.session() as session:
        row = get_or_fail(session, Client, client_id, "client")
        row_versions.check(session, row, CLIENT, version)
        if session.exec(select(Matter.id).where(Matter.client_id == client_id)).first() is not None:
            raise ValidationError(
                "client",
                _("client {client_id} has matters; close them instead of deleting.").format(
                    client_id=client_id
                ),
                label=_("client"),
            )
        from clinic_app.domain.models import Note

        for note in session.exec(select(Note).where(Note.client_id == client_id)):
            session.delete(note)
        session.flush()  # notes first: they point at the client
        session.delete(row)
        search.remove_clients(session, [client_id])
        row_versions.flush(session, CLIENT, client_id)
        audit.record(session, action="delete", record_kind=CLIENT, record_id=client_id)
    return ChangeSet.of(CLIENT, client_id)


def get_client(vault: Store, *, client_id: int) -> ClientRecord:
    with vault.reader() as session:
        return to_record(get_or_fail(session, Client, client_id, "client"))


# One list page: the columns the list shows and each client's latest employer, straight from
# SQL; building ORM objects for 200 rows took most of a search-as-you-type keystroke.
_ROW_COLUMNS = """
    c.id, c.first_name, c.last_name, c.a_number, c.date_of_birth, c.country_of_birth,
    c.preferred_languages,
    (SELECT e.name FROM matter AS m JOIN employer AS e ON e.id = m.employer_id
      WHERE m.client_id = c.id ORDER BY m.id DESC LIMIT 1)
"""
_ROWS_BY_ID_SQL = text(f"SELECT {_ROW_COLUMNS} FROM client AS c WHERE c.id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)


def _row(values: Sequence[Any]) -> ClientRow:
    cid, first, last, a_number, born, country, langs, employer = values
    codes = [code for code in (langs or "").split(",") if code]
    return ClientRow(
        id=int(cid),
        first_name=first,
        last_name=last,
        a_number=a_number,
        date_of_birth=date.fromisoformat(str(born)) if born else None,
        country_of_birth=country,
        preferred_language=codes[0] if codes else "",
        employer=employer or "",
    )


def list_clients(
    vault: Store,
    *,
    search_text: str = "",
    offset: int = 0,
    limit: int | None = None,
    order_by: str = "last_name",
    descending: bool = False,
) -> list[ClientRow]:
    """Clients matching `search_text` (all when empty): best matches first when searching."""
    with vault.reader() as session:
        conn = session.connection()
        if search_text.strip():
            # A search page in one statement: the ranked page joined to its clients, best first.
            page = search.ranked_page(conn, search_text, _ROW_COLUMNS, limit, offset)
            return [_row(r) for r in page]
        column = SORT_COLUMNS.get(order_by, Client.last_name)
        order = col(column).desc() if descending else col(column).asc()
        query = select(Client.id).order_by(order, col(Client.first_name), col(Client.id))
        query = query.offset(offset)
        if limit is not None:
            query = query.limit(limit)
        ids = [int(i) for i in session.exec(query) if i is not None]
        if not ids:
            return []
        by_id = {r[0]: _row(r) for r in conn.execute(_ROWS_BY_ID_SQL, {"ids": ids}).all()}
        return [by_id[i] for i in ids]


def search_page(vault: Store, *, search_text: str, limit: int) -> tuple[int, list[ClientRow]]:
    """What the Clients screen shows as a person types: how many clients match `search_text`
    and the first `limit` of them, best first, in one read (the count only when needed)."""
    if not search_text.strip():
        return count_clients(vault), list_clients(vault, limit=limit)
    with vault.reader() as session:
        total, page = search.first_page(session.connection(), search_text, _ROW_COLUMNS, limit)
        return total, [_row(r) for r in page]


def count_clients(vault: Store, *, search_text: str = "") -> int:
    with vault.reader() as session:
        if search_text.strip():
            return search.count_client_ids(session, search_text)
        return int(session.exec(select(func.count()).select_from(Client)).one())


def check_field(*, name: str, value: str) -> str | None:
    """The problem with one field's value (for inline validation in forms), or None when fine."""
    try:
        clean_fields({name: value})  # type: ignore[misc]
    except ValidationError as exc:
        return exc.problem
    return None
