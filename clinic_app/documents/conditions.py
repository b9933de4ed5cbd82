"""What each template is for (preconditions.toml beside the templates) and the one check before rendering.

A template names the matters it fits: matter kinds, pipeline stages, whether the request must be
undecided, the states of the grant and the work permit it speaks of, how long the grant may
already run, the program statuses it can be sent under. A matter that does not fit is refused
with one sentence naming the fact (unless the person chooses to render anyway).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from clinic_app.documents.context import (
    ENDING_DAYS,
    GrantFacts,
    GroupFacts,
    MatterFacts,
    grant_state,
    grant_years,
)
from clinic_app.documents.templates import shipped_dir, vault_dir
from clinic_app.domain.vocab import label
from clinic_app.i18n import _, current_language, format_day

FILE_NAME = "preconditions.toml"
GRANT_STATES = ("none", "live", "ending", "ended", "terminated")
DEFAULT_WITHIN = ENDING_DAYS


@dataclass(frozen=True)
class Conditions:
    """What one template is for; an empty tuple accepts anything."""

    template: str
    purpose: str = ""  # "a renewal or extension request not yet decided"
    kinds: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    undecided: bool = False
    grant: tuple[str, ...] = ()
    permit: tuple[str, ...] = ()
    within: int = DEFAULT_WITHIN
    below_years: int | None = None
    appointment: bool = False
    unfiled: bool = False  # refuse when the worker's renewal or extension is already filed
    program: tuple[str, ...] = ()
    file_label: str = ""  # a neutral word for file names (client letters)
    instead: Mapping[str, str] = field(default_factory=dict)
    by_kind: Mapping[str, Conditions] = field(default_factory=dict)
    purposes: Mapping[str, str] = field(default_factory=dict)  # `purpose` by language code
    # `instead` suggestions in words, by language code then fact ("… on a renewal matter").
    instead_in: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def for_kind(self, kind: str) -> Conditions:
        return self.by_kind.get(kind, self)

    def purpose_in(self, lang: str) -> str:
        """What the template is for, in `lang` when the entry says it (translations.es.for)."""
        return self.purposes.get(lang, self.purpose)

    def suggestion(self, key: str, lang: str) -> str | None:
        """What to use instead when `key` is the fact that did not fit, in `lang` if said."""
        found = self.instead.get(key)
        if found is None:
            return None
        return self.instead_in.get(lang, {}).get(key, found)


def _strings(raw: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in raw) if isinstance(raw, list) else ()


def _parse(template: str, raw: Mapping[str, Any], base: Conditions | None = None) -> Conditions:
    base = base or Conditions(template)
    bad = [
        s
        for s in (*_strings(raw.get("grant")), *_strings(raw.get("permit")))
        if s not in GRANT_STATES
    ]
    if bad:
        raise ValueError(f"{FILE_NAME} [{template}]: unknown grant state {bad[0]!r}")
    years = raw.get("below_years", base.below_years)
    translations = {
        str(lang): texts
        for lang, texts in raw.get("translations", {}).items()
        if isinstance(texts, dict)
    }
    own = {lang: str(texts["for"]) for lang, texts in translations.items() if "for" in texts}
    instead_in = {lang: dict(words) for lang, words in base.instead_in.items()}
    for lang, texts in translations.items():
        instead_in.setdefault(lang, {}).update(
            {str(k): str(v) for k, v in texts.get("instead", {}).items()}
        )
    # A narrower entry that says what it is for in English drops the broader entry's
    # translations, which describe something else.
    purposes = own if "for" in raw else {**base.purposes, **own}
    conditions = Conditions(
        template=template,
        purpose=str(raw.get("for", base.purpose)),
        kinds=_strings(raw["kinds"]) if "kinds" in raw else base.kinds,
        stages=_strings(raw["stages"]) if "stages" in raw else base.stages,
        undecided=bool(raw.get("undecided", base.undecided)),
        grant=_strings(raw["grant"]) if "grant" in raw else base.grant,
        permit=_strings(raw["permit"]) if "permit" in raw else base.permit,
        within=int(raw.get("within", base.within)),
        below_years=int(years) if years is not None else None,
        appointment=bool(raw.get("appointment", base.appointment)),
        unfiled=bool(raw.get("unfiled", base.unfiled)),
        program=_strings(raw["program"]) if "program" in raw else base.program,
        file_label=str(raw.get("file_label", base.file_label)),
        instead={**base.instead, **{str(k): str(v) for k, v in raw.get("instead", {}).items()}},
        purposes=purposes,
        instead_in=instead_in,
    )
    kinds = {
        kind: _parse(template, sub, conditions)
        for kind, sub in raw.items()
        if isinstance(sub, dict) and kind not in ("instead", "translations")
    }
    return Conditions(**{**conditions.__dict__, "by_kind": kinds})


def _read(path: Path) -> dict[str, Conditions]:
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        doc = tomllib.load(handle)
    return {tid: _parse(tid, raw) for tid, raw in doc.items() if isinstance(raw, dict)}


def load(vault_folder: Path | None = None) -> dict[str, Conditions]:
    """The shipped preconditions, with the clinic's own file (in the vault's templates folder)
    replacing a template's entry as a whole."""
    found = _read(shipped_dir() / FILE_NAME)
    if vault_folder is not None:
        found.update(_read(vault_dir(vault_folder) / FILE_NAME))
    return found


def accepts_state(state: str, wanted: tuple[str, ...]) -> bool:
    """A grant ending soon is still running: "live" accepts it too."""
    return not wanted or state in wanted or (state == "ending" and "live" in wanted)


def _grant_fact(what: str, grant: GrantFacts | None, state: str, within: int) -> str:
    if grant is None or state == "none":
        return _("no {what} is on record").format(what=what)
    if state == "terminated":
        return _("the {what} was terminated on {day}").format(
            what=what, day=_day(grant.terminated_on)
        )
    if state == "ended":
        return _("the {what} ended on {day}").format(what=what, day=_day(grant.end))
    if state == "ending":
        return _("the {what} ends on {day}, within {n} days").format(
            what=what, day=_day(grant.end), n=within
        )
    if grant.end is None:
        return _("the {what} has no end date on record").format(what=what)
    return _("the {what} runs until {day}, more than {n} days from now").format(
        what=what, day=_day(grant.end), n=within
    )


def _day(day: date | None) -> str:
    """A date in the sentence: ISO on the command line, as the language writes it on the desktop."""
    return format_day(day) if day is not None else ""


def mismatch(conditions: Conditions, matter: MatterFacts, today: date) -> tuple[str, str] | None:
    """(the fact that does not fit, the key of the `instead` suggestion), or None when it fits."""
    c = conditions.for_kind(matter.kind)
    gstate = grant_state(matter.deferred_action, today, c.within)
    if c.kinds and matter.kind not in c.kinds:
        return _("matter {id} is a request of the kind '{kind}'").format(
            id=matter.id, kind=label("matter_kind", matter.kind)
        ), matter.kind
    if gstate == "terminated" and not accepts_state(gstate, c.grant):
        return _grant_fact(_("grant"), matter.deferred_action, gstate, c.within), "terminated"
    if c.undecided and matter.status == "closed":
        return _("matter {id} is closed").format(id=matter.id), "closed"
    if c.undecided and (matter.decision or matter.status == "decision"):
        decided = _("matter {id} was already decided").format(id=matter.id)
        if matter.decision:
            decision = label("decision", matter.decision)
            decided += f" ({decision}" + (
                f", {_day(matter.decided_on)})" if matter.decided_on else ")"
            )
        return decided, "decided"
    if c.stages and matter.status not in c.stages:
        return _("matter {id} is at the stage '{stage}'").format(
            id=matter.id, stage=label("stage", matter.status)
        ), "stage"
    if not accepts_state(gstate, c.grant):
        return _grant_fact(_("grant"), matter.deferred_action, gstate, c.within), gstate
    permit_state = grant_state(matter.work_permit, today, c.within)
    if not accepts_state(permit_state, c.permit):
        return _grant_fact(_("work permit"), matter.work_permit, permit_state, c.within), (
            "permit-" + permit_state
        )
    if c.unfiled and matter.filed_request is not None:
        filed_id, filed_kind = matter.filed_request
        return _(
            "matter {id}, a request of the kind '{kind}', is already filed for this worker and waits for a decision"
        ).format(id=filed_id, kind=label("matter_kind", filed_kind)), "filed"
    if c.below_years is not None and matter.deferred_action is not None:
        years = grant_years(matter.deferred_action)
        if years is not None and years >= c.below_years:
            grant = matter.deferred_action
            return _("the grant already runs {n} years ({start} to {end})").format(
                n=years, start=_day(grant.start), end=_day(grant.end)
            ), "years"
    if c.appointment and matter.appointment_on is None:
        return _("matter {id} has no biometrics appointment on or after today").format(
            id=matter.id
        ), "appointment"
    if c.appointment and matter.appointment_on is not None and matter.appointment_on < today:
        return _(
            "the biometrics appointment of matter {id} was on {day}, before the date of this letter"
        ).format(id=matter.id, day=_day(matter.appointment_on)), "appointment-past"
    status = matter.program_status or "open"
    if c.program and status not in c.program:
        return _program_fact(status, matter.program_status_since), "program"
    return None


def refusal(conditions: Conditions, matter: MatterFacts, today: date) -> str | None:
    """One clause for a person: the fact, what the template is for, and what to use instead."""
    found = mismatch(conditions, matter, today)
    if found is None:
        return None
    fact, key = found
    c = conditions.for_kind(matter.kind)
    lang = current_language()
    text = fact
    if c.purpose:
        text += _(", and {template} is for {purpose}").format(
            template=conditions.template, purpose=c.purpose_in(lang)
        )
    other = c.suggestion(key, lang) or (c.suggestion("live", lang) if key == "ending" else None)
    if other:
        text += _("; use {template}").format(template=other)
    elif key == "appointment-past":
        text += _("; if the appointment was moved, record the new one on the matter first")
    return text


def _program_fact(status: str | None, since: date | None) -> str:
    words = label("program_status", status or "open")
    if since is None:
        return _("the program is {status}").format(status=words)
    return _("the program has been {status} since {day}").format(status=words, day=_day(since))


def group_refusal(conditions: Conditions, group: GroupFacts) -> str | None:
    """For a worksite-wide document, only the program's status can refuse it."""
    status = group.program_status or "open"
    if not conditions.program or status in conditions.program:
        return None
    text = _program_fact(status, group.program_status_since)
    if conditions.purpose:
        text += _(", and {template} is for {purpose}").format(
            template=conditions.template, purpose=conditions.purpose_in(current_language())
        )
    return text
