"""The clinic server's record of which rules each matter's deadlines were computed with.

Row-level security lets a person recompute only the matters they may see, so after a rule change
the others (a restricted matter, another volunteer's intake) still hold deadlines of the old
rules. Each matter's row in deadline_basis names the rules its deadlines came from; anyone who
reads deadlines first recomputes the matters they may see whose rules are out of date. No
deadline is ever shown from old rules, and nobody reads a matter they may not see to recompute
it. An account that may not write deadlines (an admin) leaves the work to the next case worker.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection, text

_CAN_RECOMPUTE = "clinic_app.deadlines.can_recompute"


def can_recompute(conn: Connection) -> bool:
    """Whether this login may rewrite deadline rows (asked once per database connection)."""
    known = conn.info.get(_CAN_RECOMPUTE)
    if known is None:
        known = bool(
            conn.execute(
                text(
                    "SELECT has_table_privilege('deadline', 'DELETE') "
                    "AND has_table_privilege('deadline', 'INSERT') "
                    "AND has_table_privilege('deadline_basis', 'INSERT')"
                )
            ).scalar_one()
        )
        conn.info[_CAN_RECOMPUTE] = known
    return bool(known)


def stale_matters(conn: Connection, fingerprint: str) -> set[int]:
    """The matters this person may see whose deadlines came from other rules."""
    rows = conn.execute(
        # Two index ranges where `<>` would read every row.
        text("SELECT matter_id FROM deadline_basis WHERE fingerprint < :fp OR fingerprint > :fp"),
        {"fp": fingerprint},
    )
    return {int(mid) for (mid,) in rows}


def record_basis(conn: Connection, fingerprint: str, matter_ids: Collection[int] | None) -> None:
    """These matters' deadlines (every matter this person may see, when None) now come from
    the rules of `fingerprint`."""
    upsert = (
        "INSERT INTO deadline_basis (matter_id, fingerprint) SELECT id, :fp FROM matter {where} "
        "ON CONFLICT (matter_id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint "
        "WHERE deadline_basis.fingerprint IS DISTINCT FROM EXCLUDED.fingerprint"
    )
    if matter_ids is None:
        conn.execute(text(upsert.format(where="")), {"fp": fingerprint})
        return
    if matter_ids:
        conn.execute(
            text(upsert.format(where="WHERE id = ANY(CAST(:ids AS integer[]))")),
            {"fp": fingerprint, "ids": sorted(matter_ids)},
        )
