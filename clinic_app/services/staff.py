"""Staff members, for assigning matters and tasks (no login system: the vault passphrase guards all)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from clinic_app.domain import validators as v
from clinic_app.domain.models import StaffMember
from clinic_app.domain.vocab import STAFF_ROLES
from clinic_app.errors import ValidationError
from clinic_app.i18n import _
from clinic_app.services._base import get_or_fail, insert, require_id
from clinic_app.services.changes import STAFF, Changed, ChangeSet
from clinic_app.services.records import StaffRecord
from clinic_app.store.base import Store
from clinic_app.vault import audit


def _record(row: StaffMember) -> StaffRecord:
    return StaffRecord(
        id=require_id(row.id),
        name=row.name,
        role=row.role,
        email=row.email,
        active=row.active,
        version=row.version,
    )


def add_staff(
    vault: Store, *, name: str, role: str = "paralegal", email: str = ""
) -> Changed[StaffRecord]:
    with vault.session() as session:
        _check_unique_name(session, name)
        row = StaffMember(
            name=v.require_text(name, "staff name"),
            role=v.choice(role, STAFF_ROLES, "role"),
            email=v.normalize_email(email),
        )
        insert(session, row, STAFF)
        record = _record(row)
    return Changed(record, ChangeSet.of(STAFF, record.id))


def _check_unique_name(session: Session, name: str) -> None:
    """Staff are named in commands (--assignee, --by), so two with one name would be ambiguous."""
    wanted = name.strip().casefold()
    for existing in session.exec(select(StaffMember.name)):
        if existing.casefold() == wanted:
            raise ValidationError(
                "staff name",
                _("'{existing}' is already on the staff list.").format(existing=existing),
                label=_("staff name"),
            )


def find_or_add_in_session(session: Session, name: str) -> tuple[StaffMember, bool]:
    """The staff member with this name (case ignored), or a new paralegal; True when new."""
    wanted = name.strip().casefold()
    for row in session.exec(select(StaffMember)):
        if row.name.casefold() == wanted:
            return row, False
    # Paralegal: a role that signs off no packet until someone says otherwise.
    row = insert(session, StaffMember(name=v.require_text(name, "staff name")), STAFF)
    return row, True


def set_active(vault: Store, *, staff_id: int, active: bool) -> Changed[StaffRecord]:
    with vault.session() as session:
        row = get_or_fail(session, StaffMember, staff_id, "staff member")
        row.active = active
        session.add(row)
        audit.record(
            session,
            action="activate" if active else "deactivate",
            record_kind=STAFF,
            record_id=staff_id,
        )
        record = _record(row)
    return Changed(record, ChangeSet.of(STAFF, staff_id))


def list_staff(vault: Store, *, active_only: bool = False) -> list[StaffRecord]:
    with vault.reader() as session:
        query = select(StaffMember).order_by(col(StaffMember.name))
        if active_only:
            query = query.where(col(StaffMember.active).is_(True))
        return [_record(r) for r in session.exec(query)]


def named(name: str, login: str, wanted: str) -> bool:
    """Whether a staff member with this name and login is the one `wanted` names (case ignored).

    On the clinic server people know each other by account name too (attorney1, as in
    'matter restrict --to'), so the login counts as a name; in a vault the login is empty."""
    text = wanted.strip().casefold()
    return name.casefold() == text or (bool(login) and login.casefold() == text)


def find_staff(vault: Store, *, name: str) -> StaffRecord | None:
    """A staff member by name or clinic server account name, ignoring case."""
    with vault.reader() as session:
        rows = [_record(r) for r in session.exec(select(StaffMember).order_by(col(StaffMember.id)))]
        logins = {r.id: r.login for r in session.exec(select(StaffMember))}
    wanted = name.strip().casefold()
    by_name = [r for r in rows if r.name.casefold() == wanted]
    return next(iter(by_name or [r for r in rows if named(r.name, logins[r.id], wanted)]), None)
