"""Clients: add, edit, find and list the workers the clinic represents."""

from __future__ import annotations

from datetime import date
from typing import TypedDict, Unpack

from sqlalchemy import func
from sqlmodel import Session, col, select

from clinic_app import search
from clinic_app.domain import validators as v
from clinic_app.domain.models import Client, Employer, Matter
from clinic_app.errors import ValidationError
from clinic_app.services._base import get_or_fail, now, require_id
from clinic_app.services.changes import CLIENT, Changed, ChangeSet
from clinic_app.services.records import ClientRecord, ClientRow
from clinic_app.vault import audit
from clinic_app.vault.vault import Vault


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
    safe_contact: str
    notes: str


SORT_COLUMNS = {
    "last_name": Client.sort_name,
    "first_name": Client.first_name,
    "a_number": Client.a_number,
    "date_of_birth": Client.date_of_birth,
    "country_of_birth": Client.country_of_birth,
    "id": Client.id,
}


def _split_lines(value: list[str] | tuple[str, ...] | str) -> str:
    items = value.splitlines() if isinstance(value, str) else list(value)
    return "\n".join(item.strip() for item in items if item.strip())


def clean_fields(fields: ClientFields) -> dict[str, object]:
    """Validate and normalize client fields (shared by the editor and the importer)."""
    out: dict[str, object] = {}
    for name, value in fields.items():
        if name == "first_name" or name == "last_name":
            out[name] = str(value or "").strip()
        elif name == "other_names":
            out[name] = _split_lines(value)  # type: ignore[arg-type]
        elif name == "date_of_birth":
            born = v.parse_date(value, "date of birth")  # type: ignore[arg-type]
            if born and born > date.today():
                raise ValidationError("date of birth", f"{born.isoformat()} is in the future.")
            out[name] = born
        elif name == "a_number":
            out[name] = v.normalize_a_number(value)  # type: ignore[arg-type]
        elif name == "preferred_languages":
            text = value if isinstance(value, str) else ",".join(value)  # type: ignore[arg-type]
            out[name] = v.normalize_languages(text)
        elif name == "email":
            out[name] = v.normalize_email(value)  # type: ignore[arg-type]
        elif name in ClientFields.__annotations__:
            out[name] = str(value or "").strip()
        else:
            raise ValidationError(name, "is not a client field.")
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
    )


def _check_names(first: str, last: str) -> None:
    if not first and not last:
        raise ValidationError(
            "name", "a client needs a first or a last name (one-word names go in either)."
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
        raise ValidationError("A-number", f"{a_number} already belongs to client {other}.")


def build_client(fields: ClientFields) -> Client:
    """A validated, not yet saved client row."""
    values = clean_fields(fields)
    _check_names(str(values.get("first_name", "")), str(values.get("last_name", "")))
    stamp = now()
    return Client(created_at=stamp, updated_at=stamp, **values)  # type: ignore[arg-type]


def create_in_session(session: Session, fields: ClientFields) -> Client:
    """Insert a client inside an open transaction, with its audit event."""
    row = build_client(fields)
    _check_unique_a_number(session, row.a_number)
    session.add(row)
    session.flush()
    audit.record(session, action="create", record_kind=CLIENT, record_id=row.id)
    return row


def add_client(vault: Vault, **fields: Unpack[ClientFields]) -> Changed[ClientRecord]:
    """Add a client; every field is validated first and nothing is written on an error."""
    with vault.session() as session:
        row = create_in_session(session, fields)
        search.reindex_clients(session, [require_id(row.id)])
        record = to_record(row)
    return Changed(record, ChangeSet.of(CLIENT, record.id))


def update_client(
    vault: Vault, *, client_id: int, **fields: Unpack[ClientFields]
) -> Changed[ClientRecord]:
    """Change some fields of a client."""
    values = clean_fields(fields)
    with vault.session() as session:
        row = get_or_fail(session, Client, client_id, "client")
        _check_unique_a_number(session, values.get("a_number"), exclude_id=client_id)
        changed = sorted(name for name, value in values.items() if getattr(row, name) != value)
        for name in changed:
            setattr(row, name, values[name])
        _check_names(row.first_name, row.last_name)
        if changed:
            row.updated_at = now()
            session.add(row)
            session.flush()
            audit.record(
                session,
                action="update",
                record_kind=CLIENT,
                record_id=client_id,
                summary="fields: " + ", ".join(changed),
            )
            search.reindex_clients(session, [client_id])
        record = to_record(row)
    return Changed(record, ChangeSet.of(CLIENT, client_id) if changed else ChangeSet())


def delete_client(vault: Vault, *, client_id: int) -> ChangeSet:
    """Delete a client with no matters (matters are closed, not deleted, to keep history)."""
    with vault.session() as session:
        row = get_or_fail(session, Client, client_id, "client")
        if session.exec(select(Matter.id).where(Matter.client_id == client_id)).first() is not None:
            raise ValidationError(
                "client", f"client {client_id} has matters; close them instead of deleting."
            )
        from clinic_app.domain.models import Note

        for note in session.exec(select(Note).where(Note.client_id == client_id)):
            session.delete(note)
        session.flush()  # notes first: they point at the client
        session.delete(row)
        search.remove_clients(session, [client_id])
        audit.record(session, action="delete", record_kind=CLIENT, record_id=client_id)
    return ChangeSet.of(CLIENT, client_id)


def get_client(vault: Vault, *, client_id: int) -> ClientRecord:
    with vault.reader() as session:
        return to_record(get_or_fail(session, Client, client_id, "client"))


def _latest_employer_names(session: Session, client_ids: list[int]) -> dict[int, str]:
    if not client_ids:
        return {}
    latest = (
        select(Matter.client_id, func.max(Matter.id).label("mid"))
        .where(col(Matter.client_id).in_(client_ids), col(Matter.employer_id).is_not(None))
        .group_by(col(Matter.client_id))
        .subquery()
    )
    rows = session.exec(
        select(latest.c.client_id, Employer.name)
        .join(Matter, col(Matter.id) == latest.c.mid)
        .join(Employer, col(Employer.id) == Matter.employer_id)
    ).all()
    return {int(cid): name for cid, name in rows}


def _row(client: Client, employer: str) -> ClientRow:
    langs = [code for code in client.preferred_languages.split(",") if code]
    return ClientRow(
        id=require_id(client.id),
        first_name=client.first_name,
        last_name=client.last_name,
        a_number=client.a_number,
        date_of_birth=client.date_of_birth,
        country_of_birth=client.country_of_birth,
        preferred_language=langs[0] if langs else "",
        employer=employer,
    )


def list_clients(
    vault: Vault,
    *,
    search_text: str = "",
    offset: int = 0,
    limit: int | None = None,
    order_by: str = "last_name",
    descending: bool = False,
) -> list[ClientRow]:
    """Clients matching `search_text` (all when empty): best matches first when searching."""
    with vault.reader() as session:
        if search_text.strip():
            page = search.search_client_ids(session, search_text, limit=limit, offset=offset)
            by_id = {c.id: c for c in session.exec(select(Client).where(col(Client.id).in_(page)))}
            clients = [by_id[i] for i in page if i in by_id]
        else:
            column = SORT_COLUMNS.get(order_by, Client.last_name)
            order = col(column).desc() if descending else col(column).asc()
            query = (
                select(Client)
                .order_by(order, col(Client.first_name), col(Client.id))
                .offset(offset)
            )
            if limit is not None:
                query = query.limit(limit)
            clients = list(session.exec(query))
        employers = _latest_employer_names(session, [require_id(c.id) for c in clients])
        return [_row(c, employers.get(require_id(c.id), "")) for c in clients]


def count_clients(vault: Vault, *, search_text: str = "") -> int:
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
