"""Manual tasks on a matter."""

from __future__ import annotations

from datetime import date

from clinic_app.deadlines import finishing
from clinic_app.deadlines.engine import Deadline
from clinic_app.deadlines.models import DeadlineTask
from clinic_app.domain import validators as v
from clinic_app.domain.models import Matter, StaffMember
from clinic_app.errors import ValidationError
from clinic_app.i18n import _
from clinic_app.services._base import get_or_fail, insert, now, require_id
from clinic_app.services.changes import DEADLINE, Changed, ChangeSet
from clinic_app.services.deadlines.marks import get_deadline
from clinic_app.services.deadlines.query import (
    MAX_TASK_TITLE,
    TASK,
)
from clinic_app.store.base import Store

# -- tasks ------------------------------------------------------------------------------------------


def add_task(
    vault: Store,
    *,
    matter_id: int,
    due: date | str,
    title: str,
    today: date,
    assignee_id: int | None = None,
) -> Changed[Deadline]:
    """A manual task on a matter; the assignee defaults to the matter's."""
    text = v.require_text(title, "task")
    if len(text) > MAX_TASK_TITLE:
        raise ValidationError(
            "task",
            _("keep it under {most} characters.").format(most=MAX_TASK_TITLE),
            label=_("task"),
        )
    day = v.parse_date(due, "due date")
    if day is None:
        raise ValidationError("due date", _("a task needs a due date."), label=_("due date"))
    with vault.session() as session:
        matter = get_or_fail(session, Matter, matter_id, "matter")
        if assignee_id is not None:
            get_or_fail(session, StaffMember, assignee_id, "staff member")
        row = DeadlineTask(
            matter_id=matter_id,
            title=text,
            due=day,
            assigned_staff_id=assignee_id if assignee_id is not None else matter.assigned_staff_id,
            created_at=now(),
            created_by=vault.actor,
        )
        task_id = require_id(insert(session, row, TASK).id)
    return Changed(
        get_deadline(vault, ref=finishing.task_ref(task_id), today=today),
        ChangeSet.of(DEADLINE, task_id),
    )
