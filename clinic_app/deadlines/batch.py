"""Planning many matters at once: matters whose facts differ only in whose they are share a plan."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from clinic_app.deadlines.engine import (
    LETTER_GROUPED_KINDS,
    MatterFacts,
    PlannedDeadline,
    plan_matter,
)
from clinic_app.deadlines.rules import RuleBook

# A planned row with the matter left out (rule .. merged, no letter), and whether the row
# carries the matter's agency letter.
_Template = tuple[tuple[object, ...], bool]
_MEMO_LIMIT = 20_000  # distinct fact patterns remembered per call (a bound on memory)


def _pattern(facts: MatterFacts) -> tuple[object, ...]:
    """Every fact the rules read: all but the matter, client, assignee and agency letter, which
    `plan_matter` only copies into its rows (the matter's id, and the letter of rows grouped by
    letter)."""
    return facts[2:6] + facts[7:19]


def plan_matters(facts: Iterable[MatterFacts], book: RuleBook) -> Iterator[PlannedDeadline]:
    """`plan_matter` for each matter in turn, the same rows in the same order; the engine is
    pure, so a pattern of facts seen before (a spreadsheet's rows, a clinic's many matters of
    the same letter and dates) is planned once and its rows copied with the matter's own ids."""
    # A pattern's first plan is kept as it is, and made into templates when it comes again:
    # where few patterns repeat (a clinic's own dates), that costs only the dictionary.
    first: dict[tuple[object, ...], list[PlannedDeadline]] = {}
    memo: dict[tuple[object, ...], list[_Template]] = {}
    new = tuple.__new__  # a named tuple made from a whole tuple, as _make does, without a call
    for matter in facts:
        key = _pattern(matter)
        templates = memo.get(key)
        if templates is None:
            planned = first.get(key)
            if planned is None:
                planned = plan_matter(matter, book)
                yield from planned
                if len(first) < _MEMO_LIMIT:
                    first[key] = planned
                continue
            templates = memo[key] = [
                ((*p[1:11], None, *p[12:]), book.rule(p.rule_id).kind in LETTER_GROUPED_KINDS)
                for p in planned
            ]
        head = (matter.matter_id,)
        for rest, grouped in templates:
            if grouped:
                rest = (*rest[:10], matter.letter_id, *rest[11:])
            yield new(PlannedDeadline, head + rest)
