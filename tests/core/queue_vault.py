"""A vault shaped like a clinic's morning: one of each serious item, letter items, overdue tasks."""

from __future__ import annotations

from datetime import date, timedelta

from clinic_app.services import clients, deadlines, employers, letters, matters, staff
from clinic_app.services._base import require_id
from clinic_app.services.vault_ops import Vault

TODAY = date(2026, 6, 15)  # a Monday
LETTER_ENDS = (date(2024, 3, 18), date(2024, 6, 28), date(2024, 9, 30))
LETTER_WORKERS = (34, 33, 33)
ORDINARY_OVERDUE = 50
NAMES = ("Ana", "Luis", "Mei", "Omar", "Rosa", "Juan", "Inés", "Hao", "Nadia", "Tomás")


def _client(vault: Vault, n: int) -> int:
    first = NAMES[n % len(NAMES)]
    return clients.add_client(vault, first_name=first, last_name=f"Worker{n:03d}").record.id


def build(vault: Vault, today: date = TODAY, overdue: int = ORDINARY_OVERDUE) -> dict[str, int]:
    """Fill the vault as seen on `today`; returns the matter ids of the serious items."""
    paralegal = staff.add_staff(vault, name="Dana Rivera").record.id
    ids: dict[str, int] = {}
    # A grant terminated last week.
    matter = matters.add_matter(
        vault, client_id=_client(vault, 0), decision="granted", assigned_staff_id=paralegal
    ).record.id
    matters.add_grant(
        vault, matter_id=matter, kind="deferred_action", start="2024-01-01", end="2028-01-01"
    )
    matters.terminate_grants(vault, matter_id=matter, on=today - timedelta(days=6))
    ids["terminated"] = matter
    # Deferred action and work permit both ending in 10 days.
    matter = matters.add_matter(
        vault, client_id=_client(vault, 1), decision="granted", assigned_staff_id=paralegal
    ).record.id
    end = today + timedelta(days=10)
    for kind in ("deferred_action", "work_permit"):
        matters.add_grant(vault, matter_id=matter, kind=kind, start="2024-06-25", end=end)
    ids["work_permit"] = matter
    # A task due today.
    matter = matters.add_matter(
        vault, client_id=_client(vault, 2), assigned_staff_id=paralegal
    ).record.id
    deadlines.add_task(
        vault, matter_id=matter, due=today, title="Call the worker back", today=today
    )
    ids["today"] = matter
    # An RFE whose answer is due in 11 days (its internal target is already past).
    matter = matters.add_matter(
        vault, client_id=_client(vault, 3), filed_on="2026-01-05", assigned_staff_id=paralegal
    ).record.id
    matters.add_event(vault, matter_id=matter, kind="rfe", occurred_on=today - timedelta(days=73))
    ids["rfe"] = matter
    # 100 renewal requests not yet filed, under three agency letters whose periods ended in 2024.
    employer = employers.add_employer(vault, name="Riverbend Meat Packers").record.id
    n = 10
    for period_end, workers in zip(LETTER_ENDS, LETTER_WORKERS, strict=True):
        letter = letters.add_letter(
            vault,
            agency="DOL-WHD",
            employer_id=employer,
            period_start=period_end - timedelta(days=365),
            period_end=period_end,
        ).record.id
        # One transaction per letter, as the import does (a hundred separate ones are slow).
        with vault.session() as session:
            for _ in range(workers):
                first = NAMES[n % len(NAMES)]
                client = clients.create_in_session(
                    session, {"first_name": first, "last_name": f"Worker{n:03d}"}
                )
                matters.create_in_session(
                    session,
                    client_id=require_id(client.id),
                    fields={
                        "kind": "renewal",
                        "agency_letter_id": letter,
                        "employer_id": employer,
                        "assigned_staff_id": paralegal,
                    },
                )
                n += 1
    # `overdue` ordinary overdue items (50 by default): tasks 2, 3, 4... days late.
    matter = matters.add_matter(
        vault, client_id=_client(vault, 4), assigned_staff_id=paralegal
    ).record.id
    for late in range(2, 2 + overdue):
        deadlines.add_task(
            vault,
            matter_id=matter,
            due=today - timedelta(days=late),
            title=f"Follow up on pay stubs ({late})",
            today=today,
        )
    ids["tasks"] = matter
    return ids
