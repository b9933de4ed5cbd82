"""Packet checklists and attorney sign-off, on a real vault."""

from __future__ import annotations

from datetime import date

import pytest

from clinic_app.documents import packets
from clinic_app.errors import UserError
from clinic_app.services import audit_log, checklist, clients, matters, staff
from clinic_app.services.vault_ops import Vault

TODAY = date(2027, 3, 1)


def _matter(vault: Vault, kind: str = "initial") -> int:
    client = clients.add_client(vault, first_name="Noemí", last_name="Huamán").record
    return matters.add_matter(vault, client_id=client.id, kind=kind).record.id


def _complete(vault: Vault, matter_id: int) -> None:
    record = checklist.get_checklist(vault, matter_id=matter_id)
    checklist.set_items(
        vault,
        matter_id=matter_id,
        statuses={
            item.key: "n/a" if item.key == "translations" else "received"
            for item in record.items
            if item.required
        },
    )


def test_the_packet_list_is_data_in_packet_order() -> None:
    packet = packets.load_packet("labor-deferred-action")
    keys = [item.key for item in packet.items]
    for needed in (
        "signed-request", "agency-letter", "employment-proof", "identity", "g-325a",
        "work-permit-request", "fee", "g-28", "declaration", "cover-letter", "translations",
    ):  # fmt: skip
        assert needed in keys
    # The order a clinic assembles a packet in (reference/documents.md).
    order = ["cover-letter", "g-28", "signed-request", "agency-letter", "g-325a", "identity",
             "employment-proof", "declaration"]  # fmt: skip
    assert [k for k in keys if k in order] == order
    assert packet.source and packet.last_checked
    assert not packet.item("cover-letter").enclose  # type: ignore[union-attr]


def test_unknown_program_is_one_sentence() -> None:
    with pytest.raises(UserError, match="no packet checklist for the program 'u-visa'"):
        packets.load_packet("u-visa")


def test_a_new_matter_has_everything_missing(vault: Vault) -> None:
    record = checklist.get_checklist(vault, matter_id=_matter(vault))
    assert {item.status for item in record.items} == {"missing"}
    assert not record.complete and not record.ready_to_file
    assert record.enclosures == ()
    assert "prior-approval" not in [i.key for i in record.items]  # renewals and extensions only
    renewal = checklist.get_checklist(vault, matter_id=_matter(vault, "renewal"))
    assert "prior-approval" in [i.key for i in renewal.items]


def test_setting_items_and_the_enclosure_list(vault: Vault) -> None:
    matter_id = _matter(vault)
    changed = checklist.set_items(
        vault,
        matter_id=matter_id,
        statuses={
            "declaration": "needs-translation",
            "g-28": "received",
            "cover-letter": "done",
            "agency-letter": "received",
            "immigration-history": "n/a",
        },
    )
    record = changed.record
    assert not changed.changes.empty
    statuses = {item.key: item.status for item in record.items}
    assert statuses["declaration"] == "needs_translation"
    assert statuses["immigration-history"] == "not_applicable"
    assert [i.updated_by for i in record.items if i.key == "g-28"] == ["tester"]
    # Packet order, the cover letter left out, and only what is received: a declaration still
    # awaiting its translation is not in the envelope yet.
    assert record.enclosures == (
        "Form G-28, Notice of Entry of Appearance as Attorney or Accredited Representative",
        "Statement of Interest from the labor agency",
    )
    assert "declaration" in record.outstanding  # awaiting its translation: not complete
    assert "1 awaiting translation" in record.summary
    again = checklist.set_items(vault, matter_id=matter_id, statuses={"g-28": "received"})
    assert again.changes.empty


@pytest.mark.parametrize(
    ("statuses", "message"),
    [
        ({"g28": "received"}, "'g28' is not an item"),
        ({"g-28": "lost"}, "'lost' is not a checklist status"),
        ({"prior-approval": "received"}, "applies only to renewal, extension"),
        ({}, "Name at least one item"),
    ],
)
def test_bad_checklist_input_changes_nothing(
    vault: Vault, statuses: dict[str, str], message: str
) -> None:
    matter_id = _matter(vault)
    events = len(audit_log.list_events(vault, limit=1000))
    with pytest.raises(UserError, match=message):
        checklist.set_items(vault, matter_id=matter_id, statuses={**statuses})
    assert {i.status for i in checklist.get_checklist(vault, matter_id=matter_id).items} == {
        "missing"
    }
    assert len(audit_log.list_events(vault, limit=1000)) == events


def test_only_an_attorney_or_accredited_representative_signs_off_a_complete_packet(
    vault: Vault,
) -> None:
    matter_id = _matter(vault)
    staff.add_staff(vault, name="Pat Paralegal", role="paralegal")
    attorney = staff.add_staff(vault, name="Dana Rivera", role="attorney").record
    with pytest.raises(UserError, match="cannot be signed off: cover-letter, g-28"):
        checklist.sign_off(vault, matter_id=matter_id, by="Dana Rivera", on=TODAY)
    _complete(vault, matter_id)
    record = checklist.get_checklist(vault, matter_id=matter_id)
    assert record.complete and not record.ready_to_file
    assert record.summary == "complete; awaiting attorney sign-off"
    with pytest.raises(UserError, match="only an attorney or an accredited representative"):
        checklist.sign_off(vault, matter_id=matter_id, by="pat paralegal", on=TODAY)
    with pytest.raises(UserError, match="no staff member 'Nobody'"):
        checklist.sign_off(vault, matter_id=matter_id, by="Nobody", on=TODAY)

    signed = checklist.sign_off(vault, matter_id=matter_id, by=str(attorney.id), on=TODAY).record
    assert signed.ready_to_file and signed.summary == "ready to file"
    assert signed.sign_off is not None and signed.sign_off.staff_name == "Dana Rivera"
    event = audit_log.list_events(vault, limit=1)[0]
    assert (event.action, event.record_id, event.actor) == ("sign_off", matter_id, "tester")
    assert event.summary == "packet signed off by Dana Rivera (attorney) on 2027-03-01"
    with pytest.raises(UserError, match="already signed off by Dana Rivera on 2027-03-01"):
        checklist.sign_off(vault, matter_id=matter_id, by="Dana Rivera", on=TODAY)


def test_changing_the_checklist_after_sign_off_voids_it(vault: Vault) -> None:
    matter_id = _matter(vault)
    staff.add_staff(vault, name="Ana Acreditada", role="accredited_representative")
    _complete(vault, matter_id)
    assert checklist.sign_off(
        vault, matter_id=matter_id, by="Ana Acreditada", on=TODAY
    ).record.ready_to_file
    record = checklist.set_items(vault, matter_id=matter_id, statuses={"fee": "missing"}).record
    assert record.sign_off is None and not record.ready_to_file
    actions = [e.action for e in audit_log.list_events(vault, limit=3)]
    assert actions[:2] == ["void_sign_off", "checklist"]
    checklist.set_items(vault, matter_id=matter_id, statuses={"fee": "received"})
    assert not checklist.get_checklist(vault, matter_id=matter_id).ready_to_file  # sign again


def test_inactive_attorney_cannot_sign(vault: Vault) -> None:
    matter_id = _matter(vault)
    former = staff.add_staff(vault, name="Former Attorney", role="attorney").record
    staff.set_active(vault, staff_id=former.id, active=False)
    _complete(vault, matter_id)
    with pytest.raises(UserError, match="no longer active"):
        checklist.sign_off(vault, matter_id=matter_id, by="Former Attorney", on=TODAY)
