"""A rule change reaches every matter's deadlines on the clinic server, including a restricted
matter the person who changed the rule may not see, without anyone reading what they may not."""

from __future__ import annotations

from datetime import date
from typing import Any

import psycopg

from clinic_app.server import accounts
from clinic_app.services import clients, matters, restrictions
from clinic_app.services import deadlines as dl
from clinic_app.store.postgres import PostgresStore
from tests.conftest import FAST_KDF
from tests.server.conftest import ADMIN, ADMIN_PASSWORD, PASSWORD, ClinicServer, owner_socket_url

TODAY = date(2026, 1, 15)
RULE = "lda.renewal_file_by"  # 120 days before the grant ends (2027-03-01): 2026-10-30
SHIPPED, CHANGED = date(2026, 10, 30), date(2026, 10, 2)  # 120 and 150 days before


def _file_by(store: PostgresStore, matter_id: int) -> list[date]:
    found = dl.list_deadlines(store, today=TODAY, matter_id=matter_id)
    return [d.due for d in found if d.rule == RULE]


def _stored(server: ClinicServer, matter_id: int) -> tuple[list[date], str]:
    """The matter's stored due dates and the rules they came from, as the server's owner reads
    them (no row-level security), without the app recomputing anything first."""
    with psycopg.connect(owner_socket_url(server, "clinic"), autocommit=True) as conn:
        dues = [
            row[0]
            for row in conn.execute(
                "SELECT due FROM deadline WHERE matter_id = %s AND rule_id = %s", (matter_id, RULE)
            ).fetchall()
        ]
        basis: Any = conn.execute(
            "SELECT fingerprint FROM deadline_basis WHERE matter_id = %s", (matter_id,)
        ).fetchone()
    return dues, str(basis[0]) if basis else ""


def _granted_matter(store: PostgresStore, first_name: str) -> int:
    client = clients.add_client(store, first_name=first_name, last_name="Reach").record
    matter = matters.add_matter(store, client_id=client.id, decision="granted").record
    for kind in ("deferred_action", "work_permit"):  # as tests/core/test_deadline_store.py
        matters.add_grant(
            store, matter_id=matter.id, kind=kind, start="2025-03-02", end="2027-03-01"
        )
    return matter.id


def test_a_rule_change_reaches_a_restricted_matter_the_changer_cannot_see(
    clinic_server: ClinicServer,
) -> None:
    engine = accounts.transactional(clinic_server.admin)
    for login, name in (("att_rules", "Attorney Rules"), ("att_secret", "Attorney Secret")):
        accounts.enrol(
            engine,
            login=login,
            role="attorney",
            password=PASSWORD,
            name=name,
            key_from=(ADMIN, ADMIN_PASSWORD),
            kdf=FAST_KDF,
        )
    engine.dispose()

    def login(name: str, password: str = PASSWORD) -> PostgresStore:
        return PostgresStore.connect(clinic_server.url, user=name, password=password)

    with login("att_secret") as secret_store:
        open_matter = _granted_matter(secret_store, "Abierta")
        secret = _granted_matter(secret_store, "Reservada")
        restrictions.restrict_matter(secret_store, matter_id=secret, staff=["att_secret"])
        assert _file_by(secret_store, secret) == [SHIPPED]

    with login("att_rules") as store:
        dl.set_rule(store, rule_id=RULE, days=150)
        assert _file_by(store, open_matter) == [CHANGED]
        assert _file_by(store, secret) == []  # still hidden from them
        current = dl.rulebook(store).fingerprint
    # The restricted matter was not read by the person who changed the rule: its deadlines wait,
    # marked as computed with the old rules ...
    dues, basis = _stored(clinic_server, secret)
    assert dues == [SHIPPED] and basis != current
    # ... and are recomputed before anyone can see them: the only person who may does.
    with login("att_secret") as secret_store:
        assert _file_by(secret_store, secret) == [CHANGED]
    assert _stored(clinic_server, secret) == ([CHANGED], current)

    # An admin's rule change (an admin reads cases but writes no deadlines) is taken up the same
    # way by whoever reads next: each person recomputes what they may see.
    with login(ADMIN, ADMIN_PASSWORD) as admin_store:
        dl.reset_rule(admin_store, rule_id=RULE)
    with login("att_rules") as store:
        assert _file_by(store, open_matter) == [SHIPPED]
    with login("att_secret") as secret_store:
        assert _file_by(secret_store, secret) == [SHIPPED]
    assert _stored(clinic_server, secret)[0] == [SHIPPED]
