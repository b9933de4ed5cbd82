"""Restrictions as attorneys and paralegals see them: judged once per statement, same answers.

Anyone but a volunteer is checked against two short lists made once per statement (the matters
restricted from them, the clients whose every matter is): a client with one restricted and one
open matter stays visible with its open matter, and its restricted matter's notices stay hidden.
"""

from __future__ import annotations

from datetime import UTC, datetime

from clinic_app.domain.models import MatterEvent
from clinic_app.server import accounts
from tests.server.conftest import PASSWORD, ClinicServer
from tests.server.test_server_roles import _client, _ids, _insert, _matter

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_a_partly_restricted_client_stays_visible_without_the_restricted_matter(
    clinic_server: ClinicServer,
) -> None:
    with clinic_server.admin() as admin:
        accounts.add_person(admin, login="att_lists", role="attorney", password=PASSWORD)
        accounts.add_person(admin, login="para_lists", role="paralegal", password=PASSWORD)
        [(attorney,)] = admin.execute(
            "SELECT id FROM staff_member WHERE login = 'att_lists'"
        ).fetchall()
    with clinic_server.connect("att_lists") as conn:
        client = _client(conn, "Partly")
        open_matter = _matter(conn, client)
        secret_matter = _matter(conn, client)
        notice = _insert(conn, MatterEvent(matter_id=secret_matter, kind="other", created_at=NOW))
        conn.execute(
            "INSERT INTO matter_restriction (matter_id, staff_id) VALUES (%s, %s)",
            (secret_matter, attorney),
        )
        assert {open_matter, secret_matter} <= _ids(conn, "matter")
        assert notice in _ids(conn, "matter_event")
    with clinic_server.connect("para_lists") as conn:
        assert client in _ids(conn, "client")
        assert open_matter in _ids(conn, "matter")
        assert secret_matter not in _ids(conn, "matter")
        assert notice not in _ids(conn, "matter_event")
    with clinic_server.connect("att_lists") as conn:  # now every matter of the client
        conn.execute(
            "INSERT INTO matter_restriction (matter_id, staff_id) VALUES (%s, %s)",
            (open_matter, attorney),
        )
    with clinic_server.connect("para_lists") as conn:
        assert client not in _ids(conn, "client")
        assert not {open_matter, secret_matter} & _ids(conn, "matter")
