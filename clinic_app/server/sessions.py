"""Ending a person's open sessions on the clinic server (after a password change or a disable)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

import psycopg

# How long to wait for each ended session to be gone, so that once the change is reported
# no ended connection still runs a statement (milliseconds; pg_terminate_backend's timeout).
WAIT_MS = 5000


def end_sessions(
    conn: psycopg.Connection[Any],
    login: str,
    *,
    keep: Callable[[], Collection[int]] | None = None,
) -> int | None:
    """End every open session of `login` except the one running this and the server processes
    `keep()` names (the other connections of the desktop session that changed its own
    password, asked only now, so one it opened meanwhile is spared too); the number ended, or
    None when this account may not end them (a managed server that refused admins
    pg_signal_backend: the change still stops new logins).

    Run it after the change is committed: an ended session reconnects at once, and must then
    meet the new password or the disabled account, not the old ones.
    """
    try:
        with conn.transaction(), conn.cursor() as cur:
            # The sessions are picked first, then ended: in one WHERE clause the server may call
            # pg_terminate_backend before it has checked whose session a row is.
            cur.execute(
                "SELECT pid FROM pg_stat_activity WHERE usename = %s AND pid <> pg_backend_pid()",
                (login,),
            )
            spared = set(keep()) if keep is not None else set()
            pids = [int(row[0]) for row in cur.fetchall() if int(row[0]) not in spared]
            if not pids:
                return 0
            # Each is told to end (false only for one that had already gone, or one still
            # exiting after WAIT_MS: ended either way, so every one is counted).
            cur.execute(
                "SELECT pg_terminate_backend(pid, %s) FROM unnest(%s::int[]) AS pid",
                (WAIT_MS, pids),
            )
    except psycopg.errors.InsufficientPrivilege:
        return None
    return len(pids)
