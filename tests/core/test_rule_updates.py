"""Signed rule updates: a bundle signed with a throwaway key moves deadlines; an altered one is
refused and nothing changes; clinic overrides survive; an override left without its rule is
reported."""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import select

from clinic_app.deadlines.bundles import RuleUpdateError, read_bundle, sign_bundle, trusted_keys
from clinic_app.domain.models import AuditEvent
from clinic_app.resources import resource_path
from clinic_app.services import deadlines as dl
from clinic_app.services import rule_updates
from clinic_app.services.vault_ops import Vault
from tests.core.helpers import dump_tables, granted_daca

TODAY = date(2026, 12, 1)
SHIPPED_DACA = resource_path("rules", "daca.toml").read_text(encoding="utf-8")


def newer_daca(file_by_days: int = 130) -> str:
    """The shipped DACA pack as a later edition that files renewals earlier, with a new entry."""
    text = SHIPPED_DACA.replace("released = 2026-11-30", "released = 2027-01-15")
    marker = 'id = "daca.renewal_file_by"'
    head, tail = text.split(marker)
    tail = tail.replace("days = 120", f"days = {file_by_days}", 1)
    tail = tail.replace("reminders = [14, 7, 1]", "reminders = [21, 7, 1]", 1)
    entry = (
        '[[policy]]\nstatus = "paused"\ndate = 2027-01-10\n'
        'summary = "A test entry added by the update."\nsource = "Test source"\n'
        "last_checked = 2027-01-15\n"
        'translations.es = { summary = "Una entrada de prueba." }\n\n'
    )
    head = head.replace("[[rules]]", entry + "[[rules]]", 1)
    return head + marker + tail


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def daca_client(vault: Vault) -> int:
    _client_id, matter_id = granted_daca(
        vault, first_name="Ana", last_name="Ruiz", address="5 Pine St\nAlbuquerque, NM 87101"
    )
    return matter_id


def write_bundle(path: Path, key: Ed25519PrivateKey, text: str) -> Path:
    path.write_bytes(sign_bundle({"daca": text}, key, issued=date(2027, 1, 15), note="Test."))
    return path


def due_dates(vault: Vault, matter_id: int) -> dict[str, date]:
    rows = dl.list_deadlines(vault, today=TODAY, matter_id=matter_id, include_done=True)
    return {d.rule: d.due for d in rows}


def test_the_app_ships_one_trusted_public_key_and_no_private_one() -> None:
    assert len(trusted_keys()) >= 1
    for path in resource_path("keys").iterdir():
        assert b"PRIVATE" not in path.read_bytes(), path


def test_a_signed_bundle_shows_its_changes_installs_and_moves_deadlines(
    vault: Vault, daca_client: int, key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    bundle = write_bundle(tmp_path / "update.cliniccrules", key, newer_daca())
    before = due_dates(vault, daca_client)
    preview = rule_updates.preview_update(vault, path=bundle, keys=[key.public_key()])
    assert [p.program for p in preview.packs] == ["daca"]
    assert preview.rules_changed == (
        "daca.renewal_file_by: days 120 -> 130; reminders 14,7,1 -> 21,7,1",
    )
    assert any("A test entry added by the update." in p for p in preview.policies_added)
    assert (preview.deadlines_moved, preview.deadlines_added, preview.deadlines_removed) == (
        1,
        0,
        0,
    )
    assert due_dates(vault, daca_client) == before, "a preview changes nothing"
    changed = rule_updates.install_update(vault, path=bundle, keys=[key.public_key()])
    after = due_dates(vault, daca_client)
    end = date(2027, 6, 30)
    # 130 days before is Saturday 2027-02-20: the rule rolls back to the Friday.
    assert end - timedelta(days=130) == date(2027, 2, 20)
    assert after["daca.renewal_file_by"] == date(2027, 2, 19)
    assert before["daca.renewal_file_by"] == end - timedelta(days=120)
    assert {r: d for r, d in after.items() if r != "daca.renewal_file_by"} == {
        r: d for r, d in before.items() if r != "daca.renewal_file_by"
    }
    assert changed.changes.touches("deadline")
    (program,) = [p for p in dl.list_programs(vault, today=TODAY) if p.id == "daca"]
    assert program.source == "update" and program.released == date(2027, 1, 15)
    with vault.reader() as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "rules_update")).all()
    assert len(events) == 1 and "1 moved" in events[0].summary
    assert rule_updates.installed_update(vault)["issued"] == "2027-01-15"
    # The same bundle again is not newer than what is in use.
    with pytest.raises(RuleUpdateError, match="not newer than the rules in use"):
        rule_updates.install_update(vault, path=bundle, keys=[key.public_key()])


def test_one_changed_byte_is_refused_and_nothing_changes(
    vault: Vault, daca_client: int, key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    good = write_bundle(tmp_path / "good.cliniccrules", key, newer_daca())
    data = bytearray(good.read_bytes())
    document = json.loads(data)
    # Flip one byte inside the signed payload (still valid base64: one letter for another).
    start = data.index(document["payload"][:40].encode()) + 30
    data[start] = ord("A") if data[start] != ord("A") else ord("B")
    altered = tmp_path / "altered.cliniccrules"
    altered.write_bytes(bytes(data))
    before = dump_tables(vault)
    for bad in (altered, tmp_path / "unsigned.cliniccrules"):
        if bad.name.startswith("unsigned"):
            bad.write_text(newer_daca(), encoding="utf-8")
        with pytest.raises(RuleUpdateError) as caught:
            rule_updates.install_update(vault, path=bad, keys=[key.public_key()])
        assert caught.value.message == (
            f"{bad.name} is not a rule update signed by the clinic-app project "
            "(unsigned, altered or damaged); nothing was changed."
        )
    assert dump_tables(vault) == before
    # A bundle signed by a key the app does not trust is refused the same way.
    with pytest.raises(RuleUpdateError, match="not a rule update signed"):
        read_bundle(good)  # only the shipped keys


def test_overrides_survive_an_update_and_orphans_are_reported(
    vault: Vault, daca_client: int, key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    dl.set_rule(vault, rule_id="daca.renewal_prep_start", days=140)
    dl.set_rule(vault, rule_id="daca.decision_follow_up", days=100)
    text = newer_daca()
    # The update drops the follow-up rule.
    start = text.index('[[rules]]\nid = "daca.decision_follow_up"')
    end = text.index("[[rules]]", start + 5)
    bundle = write_bundle(tmp_path / "drop.cliniccrules", key, text[:start] + text[end:])
    preview = rule_updates.preview_update(vault, path=bundle, keys=[key.public_key()])
    assert preview.rules_removed == ("daca.decision_follow_up",)
    assert preview.overrides_orphaned == ("daca.decision_follow_up",)
    assert any("no longer applies" in line for line in preview.lines())
    rule_updates.install_update(vault, path=bundle, keys=[key.public_key()])
    kept = dl.rulebook(vault).rule("daca.renewal_prep_start")
    assert kept.days == 140 and kept.overridden == {"days": (150, 140)}
    assert any("daca.decision_follow_up" in w for w in dl.rule_warnings(vault))


def test_the_packaging_script_makes_a_key_and_a_bundle_the_app_accepts(
    tmp_path: Path, vault: Vault, daca_client: int
) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packaging"))
    try:
        import sign_rules
    finally:
        sys.path.pop(0)
    keys = tmp_path / "keys"
    assert (
        sign_rules.main(["--new-key", str(tmp_path / "release.pem"), "--public-dir", str(keys)])
        == 0
    )
    assert (tmp_path / "release.pem").stat().st_mode & 0o777 == 0o600
    pack = tmp_path / "daca.toml"
    pack.write_text(newer_daca(125), encoding="utf-8")
    out = tmp_path / "rules.cliniccrules"
    args = ["--key", str(tmp_path / "release.pem"), "--out", str(out), "--issued", "2027-01-15"]
    assert sign_rules.main([*args, str(pack)]) == 0
    from clinic_app.deadlines.bundles import load_public_key

    public = [load_public_key(p.read_bytes()) for p in keys.glob("*.pub")]
    preview = rule_updates.preview_update(vault, path=out, keys=public)
    assert preview.rules_changed[0].startswith("daca.renewal_file_by: days 120 -> 125")
