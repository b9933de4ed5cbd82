"""Restricted matters in a vault on one laptop: the list is kept, shown, audited and cleared."""

from __future__ import annotations

import pytest

from clinic_app.errors import NotFoundError, ValidationError
from clinic_app.services import audit_log, clients, matters, restrictions, staff
from clinic_app.services.vault_ops import Vault


def _matter(vault: Vault) -> int:
    client = clients.add_client(vault, first_name="Rosa", last_name="Cruz").record
    return matters.add_matter(vault, client_id=client.id, kind="initial").record.id


def test_restrict_keeps_named_staff_and_clear_lifts_it(vault: Vault) -> None:
    matter_id = _matter(vault)
    staff.add_staff(vault, name="Dana Rivera", role="attorney")
    staff.add_staff(vault, name="Pat Lee", role="paralegal")
    assert restrictions.restricted_to(vault, matter_id=matter_id) == []
    changed = restrictions.restrict_matter(
        vault, matter_id=matter_id, staff=["pat lee", " Dana Rivera", "Pat Lee"]
    )
    assert changed.record == ["Dana Rivera", "Pat Lee"]
    assert restrictions.restricted_to(vault, matter_id=matter_id) == ["Dana Rivera", "Pat Lee"]
    # In a vault everyone with the passphrase opens every matter: nothing is hidden.
    assert restrictions.hidden_matters(vault) == []
    # Restricting again replaces the list.
    restrictions.restrict_matter(vault, matter_id=matter_id, staff=["Pat Lee"])
    assert restrictions.restricted_to(vault, matter_id=matter_id) == ["Pat Lee"]
    restrictions.clear_restriction(vault, matter_id=matter_id)
    assert restrictions.restricted_to(vault, matter_id=matter_id) == []
    actions = [e.action for e in audit_log.list_events(vault, record_kind="matter", limit=3)]
    assert actions[:3] == ["unrestrict", "restrict", "restrict"]


def test_unknown_names_or_matters_change_nothing(vault: Vault) -> None:
    matter_id = _matter(vault)
    staff.add_staff(vault, name="Dana Rivera", role="attorney")
    with pytest.raises(ValidationError, match="nobody on the staff list is called 'Nadie'"):
        restrictions.restrict_matter(vault, matter_id=matter_id, staff=["Dana Rivera", "Nadie"])
    with pytest.raises(ValidationError, match="at least one person"):
        restrictions.restrict_matter(vault, matter_id=matter_id, staff=[" "])
    with pytest.raises(NotFoundError):
        restrictions.restrict_matter(vault, matter_id=9999, staff=["Dana Rivera"])
    assert restrictions.restricted_to(vault, matter_id=matter_id) == []
