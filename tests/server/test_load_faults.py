"""The clinic server under load while it crashes and a connection is cut: nothing acknowledged is lost.

A few staff (each their own login and connection) search, open matters, add notices, mark
deadlines done and render documents through clinic_app.services, while the server is stopped
with `pg_ctl stop -m immediate` and started again, and the admin ends one person's connection
while that person is inside a save. Afterwards every acknowledged write is checked in the
database. The full run (20 staff, 60 s) is `--long` and `python -m bench --only server-load`.
"""

from __future__ import annotations

from typing import Any

import pytest

from bench.server_load import Config, run_server
from clinic_app.store.postgres import UNREACHABLE
from tests import pg_cluster


def load(config: Config) -> dict[str, Any]:
    try:
        return run_server(config)
    except pg_cluster.ClusterUnavailable as exc:
        pytest.skip(str(exc))


def check(figures: dict[str, Any]) -> None:
    assert figures["errors"] == 0, figures["error_samples"]
    assert figures["acknowledged_writes"] > 0
    assert figures["lost_updates"] == 0, figures["lost"]
    assert figures["half_applied"] == 0, figures["half"]
    # A write refused with the sentence may still have committed (a crash between the commit
    # and its answer), but none is applied twice: nothing retried a write silently.
    assert figures["written_twice"] == 0
    faults = figures["faults"]
    assert faults["problems"] == []
    assert faults["crash_at_s"] is not None and faults["server_back_at_s"] is not None
    # The cut lands inside a save (the person waits for the write lock) and they are told so
    # in one sentence; their store works again on their next operation, with no reconnecting.
    assert faults["cut_login"], faults
    assert figures["cut_person_saw"] == [UNREACHABLE]
    assert figures["cut_person_recovered"] is True
    assert figures["interrupted_people"] >= 1
    assert figures["sentences_seen"] == [UNREACHABLE]
    assert figures["recovered_people"] == figures["interrupted_people"]


def test_a_crash_and_a_cut_connection_lose_no_acknowledged_write() -> None:
    check(load(Config(staff=3, seconds=5.0, max_ops=400, clients=60)))


@pytest.mark.slow
def test_twenty_staff_for_a_minute_through_a_crash_and_a_cut() -> None:
    figures = load(Config())
    check(figures)
    assert figures["ops_total"] >= 100
