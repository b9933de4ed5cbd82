"""Restricted matters: a matter only named staff may open; everyone else sees whom to ask.

On the clinic server PostgreSQL enforces it (row-level security reads matter_restriction); in a
vault on one laptop, where everyone shares the passphrase, the list is kept and shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from clinic_app.domain.models import Matter, MatterRestriction, StaffMember
from clinic_app.errors import NotFoundError, ValidationError
from clinic_app.i18n import _
from clinic_app.services._base import require_id
from clinic_app.services.changes import MATTER, Changed, ChangeSet
from clinic_app.store.base import Store
from clinic_app.vault import audit

FIELD = "restricted to"


def _staff_by_name(session: Session, wanted: str) -> StaffMember:
    """A staff member by account name or staff-list name (case ignored)."""
    key = wanted.strip().casefold()
    for row in session.exec(select(StaffMember)):
        if key in (row.login.casefold(), row.name.casefold()) and key:
            return row
    raise ValidationError(
        FIELD, _("nobody on the staff list is called '{name}'.").format(name=wanted.strip())
    )


def _names(session: Session, matter_id: int) -> list[str]:
    rows = session.exec(
        select(StaffMember.name)
        .join(MatterRestriction, col(MatterRestriction.staff_id) == col(StaffMember.id))
        .where(col(MatterRestriction.matter_id) == matter_id)
        .order_by(col(StaffMember.name))
    )
    return list(rows)


def not_found(session: Session, matter_id: int) -> NotFoundError:
    """Why a matter cannot be opened: restricted to named staff (whom to ask), or no such matter.
    Who a matter is restricted to is readable by everyone, also on the clinic server."""
    names = _names(session, matter_id)
    if names:
        return NotFoundError(
            _("Matter {id} is restricted; ask {names} about it.").format(
                id=matter_id, names=_(" or ").join(names)
            )
        )
    return NotFoundError(_("There is no matter with id {id}.").format(id=matter_id))


def _get_matter(session: Session, matter_id: int) -> Matter:
    row = session.get(Matter, matter_id)
    if row is None:
        raise not_found(session, matter_id)
    return row


def restrict_matter(vault: Store, *, matter_id: int, staff: Sequence[str]) -> Changed[list[str]]:
    """Only `staff` (account or staff-list names) may open the matter from now on; returns
    their staff-list names."""
    wanted = [name for name in staff if name.strip()]
    if not wanted:
        raise ValidationError(FIELD, _("name at least one person who may open the matter."))
    with vault.session() as session:
        _get_matter(session, matter_id)
        people = {require_id(row.id): row for row in (_staff_by_name(session, n) for n in wanted)}
        session.exec(delete(MatterRestriction).where(col(MatterRestriction.matter_id) == matter_id))
        for staff_id in sorted(people):
            session.add(MatterRestriction(matter_id=matter_id, staff_id=staff_id))
        session.flush()
        audit.record(
            session,
            action="restrict",
            record_kind=MATTER,
            record_id=matter_id,
            summary=f"restricted to {len(people)} staff",
        )
        names = _names(session, matter_id)
    return Changed(names, ChangeSet.of(MATTER, matter_id))


def clear_restriction(vault: Store, *, matter_id: int) -> Changed[list[str]]:
    """Everyone whose role allows it may open the matter again."""
    with vault.session() as session:
        _get_matter(session, matter_id)
        session.exec(delete(MatterRestriction).where(col(MatterRestriction.matter_id) == matter_id))
        audit.record(
            session, action="unrestrict", record_kind=MATTER, record_id=matter_id, summary=""
        )
    return Changed([], ChangeSet.of(MATTER, matter_id))


@dataclass(frozen=True)
class HiddenMatter:
    """A matter restricted from the person asking: its id and whom to ask, nothing else."""

    matter_id: int
    ask: tuple[str, ...]


def hidden_matters(vault: Store) -> list[HiddenMatter]:
    """Restricted matters this person may not open (on the clinic server, where the database
    hides them; in a vault every matter opens, so none)."""
    with vault.reader() as session:
        rows = session.exec(
            select(MatterRestriction.matter_id, StaffMember.name)
            .join(StaffMember, col(StaffMember.id) == col(MatterRestriction.staff_id))
            .where(col(MatterRestriction.matter_id).not_in(select(Matter.id)))
            .order_by(col(MatterRestriction.matter_id), col(StaffMember.name))
        ).all()
    found: dict[int, list[str]] = {}
    for matter_id, name in rows:
        found.setdefault(matter_id, []).append(name)
    return [HiddenMatter(matter_id, tuple(names)) for matter_id, names in found.items()]


def restricted_to(vault: Store, *, matter_id: int) -> list[str]:
    """The staff-list names a matter is restricted to (empty: not restricted)."""
    with vault.reader() as session:
        _get_matter(session, matter_id)
        return _names(session, matter_id)
