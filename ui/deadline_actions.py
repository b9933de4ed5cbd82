"""Done, snooze and reopen for one deadline, the same on the Deadlines screen and a matter's view.

Marking an RFE deadline done offers to record the "RFE response sent" notice instead: the
notice is what closes both RFE deadlines (the legal one and the clinic's internal target) and
what the matter's timeline and documents read, so it is the one obvious path.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import QWidget

from clinic_app.errors import ClinicError
from clinic_app.i18n import _
from clinic_app.services import ChangeSet, deadlines, matters
from clinic_app.services.changes import DEADLINE
from clinic_app.services.deadlines import Deadline
from clinic_app.services.vault_ops import Vault
from ui.confirm import choose
from ui.date_input import shown_day
from ui.feedback import desktop_message
from ui.snooze_dialog import ask_until

RFE_KINDS = ("rfe_response_due", "rfe_internal_target")


def _title(deadline: Deadline) -> str:
    return deadline.text if deadline.kind == "task" and deadline.text else deadline.message


def act(
    parent: QWidget,
    vault: Vault,
    deadline: Deadline,
    action: str,
    today: date,
    publish: Callable[[ChangeSet, str], None],
) -> str | None:
    """Carry out `action` ("done", "snooze" or "reopen") on `deadline`, asking what it must.

    Publishes the change with a sentence for the status bar; returns an error sentence (in the
    desktop's words) or None.
    """
    try:
        if action == "done":
            return _done(parent, vault, deadline, today, publish)
        if action == "snooze":
            until = ask_until(today, _title(deadline), parent)
            if until is None:
                return None
            result = deadlines.snooze(vault, ref=deadline.id, until=until, today=today)
            publish(
                result.changes,
                _("Snoozed “{what}” until {date}.").format(
                    what=_title(deadline), date=shown_day(result.record.snoozed_until or until)
                ),
            )
            return None
        result = deadlines.reopen(vault, ref=deadline.id, today=today)
        publish(result.changes, _("Reopened “{what}”.").format(what=_title(deadline)))
        return None
    except ClinicError as exc:
        return desktop_message(exc)


def _done(
    parent: QWidget,
    vault: Vault,
    deadline: Deadline,
    today: date,
    publish: Callable[[ChangeSet, str], None],
) -> str | None:
    if deadline.kind in RFE_KINDS:
        answer = choose(
            parent,
            _("RFE response sent?"),
            _(
                "Record that the RFE response was sent today ({date})? This adds the “RFE "
                "response sent” notice to the matter and closes both RFE deadlines, the internal "
                "target too. “Only mark done” closes the deadline without the notice (its "
                "internal target closes too)."
            ).format(date=shown_day(today)),
            [
                ("sent", _("Record the response as sent")),
                ("done", _("Only mark done")),
                ("cancel", _("Cancel")),
            ],
            default="sent",
            cancel="cancel",
        )
        if answer == "cancel":
            return None
        if answer == "sent":
            event = matters.add_event(
                vault, matter_id=deadline.matter_id, kind="rfe_response", occurred_on=today
            )
            publish(
                event.changes | ChangeSet(kinds=frozenset({DEADLINE})),
                _("Recorded the RFE response sent on {date}; the RFE deadlines are closed.").format(
                    date=shown_day(today)
                ),
            )
            return None
    result = deadlines.mark_done(vault, ref=deadline.id, today=today)
    publish(result.changes, _("Marked “{what}” done.").format(what=_title(deadline)))
    return None
