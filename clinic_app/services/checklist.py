"""Packet checklists and attorney sign-off: when a matter is ready to file.

A matter is ready to file only when no required packet item is missing (or awaiting its
translation) and an attorney or accredited representative has signed off; the sign-off is
recorded with the reviewer's name and date in the audit log. Changing the checklist afterwards
voids the sign-off, because the reviewer saw a different packet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from clinic_app.documents import packets
from clinic_app.documents.models import ChecklistEntry, SignOff
from clinic_app.domain import vocab
from clinic_app.domain.models import Matter, StaffMember
from clinic_app.errors import UserError
from clinic_app.i18n import _, current_language
from clinic_app.services._base import get_or_fail, now, require_id
from clinic_app.services.changes import MATTER, Changed, ChangeSet
from clinic_app.services.staff import named as staff_named
from clinic_app.store.base import Store
from clinic_app.vault import audit

CHECKLIST = "checklist"  # change-set kind
SIGNING_ROLES = ("attorney", "accredited_representative")


@dataclass(frozen=True)
class ChecklistItemRecord:
    key: str
    title: str
    required: bool
    status: str
    source: str
    updated_at: datetime | None
    updated_by: str
    label: str = ""  # the title in the person's language, for screens (title is as filed)


@dataclass(frozen=True)
class SignOffRecord:
    id: int
    staff_id: int
    staff_name: str
    role: str
    signed_on: date
    recorded_at: datetime
    recorded_by: str


@dataclass(frozen=True)
class ChecklistRecord:
    matter_id: int
    program: str
    kind: str
    items: tuple[ChecklistItemRecord, ...]
    outstanding: tuple[str, ...]  # keys of required items still missing or awaiting translation
    sign_off: SignOffRecord | None
    summary: str
    enclosures: tuple[str, ...]
    # Where the matter stands: once filed (or closed) the checklist is a record, not a to-do.
    filed_on: date | None = None
    closed: bool = False

    @property
    def complete(self) -> bool:
        return not self.outstanding

    @property
    def ready_to_file(self) -> bool:
        return self.complete and self.sign_off is not None


def _active_sign_off(session: Session, matter_id: int) -> SignOff | None:
    query = (
        select(SignOff)
        .where(SignOff.matter_id == matter_id, col(SignOff.voided_at).is_(None))
        .order_by(col(SignOff.id).desc())
    )
    return session.exec(query).first()


def _load(session: Session, matter_id: int) -> ChecklistRecord:
    matter = get_or_fail(session, Matter, matter_id, "matter")
    packet = packets.load_packet(matter.program)
    entries = {
        e.item: e
        for e in session.exec(select(ChecklistEntry).where(ChecklistEntry.matter_id == matter_id))
    }
    rows = packets.statuses_for(packet, matter.kind, {k: e.status for k, e in entries.items()})
    signed = _active_sign_off(session, matter_id)
    sign_off = None
    if signed is not None:
        staff = session.get(StaffMember, signed.staff_id)
        sign_off = SignOffRecord(
            id=require_id(signed.id),
            staff_id=signed.staff_id,
            staff_name=staff.name if staff else "",
            role=staff.role if staff else "",
            signed_on=signed.signed_on,
            recorded_at=signed.recorded_at,
            recorded_by=signed.recorded_by,
        )
    items = tuple(
        ChecklistItemRecord(
            key=item.key,
            title=item.title,
            required=item.required,
            status=status,
            source=item.source,
            updated_at=entries[item.key].updated_at if item.key in entries else None,
            updated_by=entries[item.key].updated_by if item.key in entries else "",
            label=item.title_in(current_language()),
        )
        for item, status in rows
    )
    return ChecklistRecord(
        matter_id=matter_id,
        program=matter.program,
        kind=matter.kind,
        items=items,
        outstanding=tuple(item.key for item in packets.outstanding(rows)),
        sign_off=sign_off,
        summary=packets.summary(rows, signed_off=sign_off is not None),
        enclosures=packets.enclosures(rows),
        filed_on=matter.filed_on,
        closed=matter.status == "closed",
    )


def get_checklist(vault: Store, *, matter_id: int) -> ChecklistRecord:
    with vault.reader() as session:
        return _load(session, matter_id)


def set_items(
    vault: Store, *, matter_id: int, statuses: Mapping[str, str]
) -> Changed[ChecklistRecord]:
    """Set the status of packet items (missing, received, needs_translation, not_applicable).

    Unknown items or statuses change nothing. A change voids an existing sign-off.
    """
    if not statuses:
        raise UserError(_("Name at least one item to set, as ITEM=STATUS."))
    with vault.session() as session:
        matter = get_or_fail(session, Matter, matter_id, "matter")
        packet = packets.load_packet(matter.program)
        wanted: dict[str, str] = {}
        for key, status in statuses.items():
            item = packet.item(key.strip().lower())
            if item is None:
                raise UserError(
                    _(
                        "'{key}' is not an item of the {program} packet; the items are: {items}."
                    ).format(
                        key=key,
                        program=packet.program,
                        items=", ".join(i.key for i in packet.items),
                    )
                )
            if not item.applies_to(matter.kind):
                raise UserError(
                    _(
                        "The item {key} applies only to {kinds} requests, and matter {matter_id} is a {kind} request."
                    ).format(
                        key=item.key,
                        kinds=", ".join(item.kinds),
                        matter_id=matter_id,
                        kind=matter.kind,
                    )
                )
            wanted[item.key] = packets.normalize_status(status)
        entries = {
            e.item: e
            for e in session.exec(
                select(ChecklistEntry).where(ChecklistEntry.matter_id == matter_id)
            )
        }
        changed = []
        stamp = now()
        actor = str(session.info.get("actor", ""))
        for key, status in sorted(wanted.items()):
            entry = entries.get(key)
            if (entry.status if entry else packets.MISSING) == status:
                continue
            if entry is None:
                entry = ChecklistEntry(matter_id=matter_id, item=key, updated_at=stamp)
            entry.status = status
            entry.updated_at = stamp
            entry.updated_by = actor
            session.add(entry)
            changed.append(f"{key}: {status}")
        if changed:
            session.flush()
            audit.record(
                session,
                action="checklist",
                record_kind=MATTER,
                record_id=matter_id,
                summary="; ".join(changed),
            )
            signed = _active_sign_off(session, matter_id)
            if signed is not None:
                signed.voided_at = stamp
                session.add(signed)
                audit.record(
                    session,
                    action="void_sign_off",
                    record_kind=MATTER,
                    record_id=matter_id,
                    summary="the checklist changed after the sign-off",
                )
        record = _load(session, matter_id)
    changes = ChangeSet.of(MATTER, matter_id) | ChangeSet.of(CHECKLIST, matter_id)
    return Changed(record, changes if changed else ChangeSet())


def _find_staff(session: Session, who: str) -> StaffMember:
    text = who.strip()
    if text.isdigit():
        found = session.get(StaffMember, int(text))
    else:
        found = next(
            (s for s in session.exec(select(StaffMember)) if staff_named(s.name, s.login, text)),
            None,
        )
    if found is None:
        raise UserError(
            _("There is no staff member '{who}'; give a staff name or id.").format(who=who)
        )
    return found


def sign_off(vault: Store, *, matter_id: int, by: str, on: date) -> Changed[ChecklistRecord]:
    """Record that an attorney or accredited representative reviewed the complete packet.

    `by` is a staff member's name or id. Refused when the packet is incomplete, when the person
    cannot sign (role), or when the matter is already signed off.
    """
    with vault.session() as session:
        record = _load(session, matter_id)
        staff = _find_staff(session, by)
        if staff.role not in SIGNING_ROLES:
            raise UserError(
                _(
                    "{name}'s role is {role}; only an attorney or an accredited representative can sign off a packet."
                ).format(name=staff.name, role=vocab.label("staff_role", staff.role))
            )
        if not staff.active:
            raise UserError(
                _("{name} is no longer active; ask an active attorney to sign off.").format(
                    name=staff.name
                )
            )
        if record.outstanding:
            raise UserError(
                _(
                    "Matter {matter_id} cannot be signed off: {outstanding} still missing or awaiting translation; mark each received or not applicable first."
                ).format(matter_id=matter_id, outstanding=", ".join(record.outstanding))
            )
        if record.sign_off is not None:
            raise UserError(
                _(
                    "Matter {matter_id} is already signed off by {staff_name} on {signed_on}."
                ).format(
                    matter_id=matter_id,
                    staff_name=record.sign_off.staff_name,
                    signed_on=record.sign_off.signed_on.isoformat(),
                )
            )
        session.add(
            SignOff(
                matter_id=matter_id,
                staff_id=require_id(staff.id),
                signed_on=on,
                recorded_at=now(),
                recorded_by=str(session.info.get("actor", "")),
            )
        )
        session.flush()
        role = staff.role.replace("_", " ")
        audit.record(
            session,
            action="sign_off",
            record_kind=MATTER,
            record_id=matter_id,
            summary=f"packet signed off by {staff.name} ({role}) on {on.isoformat()}",
        )
        record = _load(session, matter_id)
    return Changed(record, ChangeSet.of(MATTER, matter_id) | ChangeSet.of(CHECKLIST, matter_id))
