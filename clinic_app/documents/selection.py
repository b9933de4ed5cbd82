"""Which matters of an agency letter a batch makes documents for, and why the others are left out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from clinic_app.documents.conditions import GRANT_STATES, accepts_state
from clinic_app.documents.context import ENDING_DAYS, MatterFacts, grant_state
from clinic_app.domain.vocab import MATTER_KINDS, MATTER_STATUSES
from clinic_app.errors import UserError
from clinic_app.i18n import _


@dataclass(frozen=True)
class MatterFilter:
    """A batch's choices; empty tuples choose everything."""

    kinds: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    grant_states: tuple[str, ...] = ()
    within: int = ENDING_DAYS
    one_per_client: bool = False

    def checked(self) -> MatterFilter:
        """The same filter, or a UserError naming the flag with a value it does not take."""
        for values, known, flag in (
            (self.kinds, MATTER_KINDS, "--kind"),
            (self.stages, MATTER_STATUSES, "--stage"),
            (self.grant_states, GRANT_STATES[1:], "--grant-state"),
        ):
            for value in values:
                if value not in known:
                    raise UserError(
                        _("'{value}' is not a choice for {flag}; use one of: {known}.").format(
                            value=value, flag=flag, known=", ".join(known)
                        )
                    )
        if self.within < 0:
            raise UserError(_("--within takes a number of days, 0 or more."))
        return self


def _open(matter: MatterFacts) -> bool:
    return matter.status != "closed" and matter.decision is None


@dataclass(frozen=True)
class Left:
    """A matter a batch's choices left out: the reason in the command line's words (it names
    the flag), and which choice it was with the matter's own value, for a desktop's words."""

    matter: MatterFacts
    reason: str
    choice: str = ""  # kind | stage | grant_state | one_per_client
    value: str = ""  # the matter's kind, stage or grant state (an id)


def choose(
    matters: Sequence[MatterFacts], chosen: MatterFilter, today: date
) -> tuple[list[MatterFacts], list[Left]]:
    """The matters kept (in order), and each one left out with the reason, in the flag's words."""
    kept: list[MatterFacts] = []
    left: list[Left] = []
    for matter in matters:
        state = grant_state(matter.deferred_action, today, chosen.within)
        if chosen.kinds and matter.kind not in chosen.kinds:
            reason = _("left out: a {kind} request (--kind)").format(kind=matter.kind)
            left.append(Left(matter, reason, "kind", matter.kind))
        elif chosen.stages and matter.status not in chosen.stages:
            stage = matter.status.replace("_", " ")
            reason = _("left out: at the stage '{stage}' (--stage)").format(stage=stage)
            left.append(Left(matter, reason, "stage", matter.status))
        elif chosen.grant_states and not any(
            accepts_state(state, (wanted,)) for wanted in chosen.grant_states
        ):
            reason = _("left out: the grant is {state} (--grant-state)").format(state=state)
            left.append(Left(matter, reason, "grant_state", state))
        else:
            kept.append(matter)
    if chosen.one_per_client:
        best: dict[int, MatterFacts] = {}
        for matter in kept:
            current = best.get(matter.client.id)
            # The open matter is the one a letter is about; among equals, the newest.
            if current is None or (_open(matter), matter.id) > (_open(current), current.id):
                best[matter.client.id] = matter
        for matter in kept:
            chosen_one = best[matter.client.id]
            if chosen_one is not matter:
                reason = _("left out: one per client, matter {id} made instead").format(
                    id=chosen_one.id
                )
                left.append(Left(matter, reason, "one_per_client", str(chosen_one.id)))
        kept = [m for m in kept if best[m.client.id] is m]
    return kept, left
