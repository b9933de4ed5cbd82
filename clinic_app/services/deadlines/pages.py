"""The first rows of each tier of the queue, picked from the census and read in full.

Three steps, so only the rows a screen shows are ever joined and finished: the census keys
of each tier are taken in the tier's order until its page is full (and every key tied with
the last one, so the order within the page is exact); the open deadlines of those days are
read from the open-deadline index alone, and each key's first rows picked from them; only
those rows (with the grant ends said in their work-permit rows) are read whole.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import select

from clinic_app.deadlines import urgency
from clinic_app.deadlines.engine import PAIRED_GRANT, PAIRED_PERMIT, Deadline
from clinic_app.deadlines.facts import chunks, fetch_all
from clinic_app.deadlines.finishing import deadline_ref
from clinic_app.deadlines.rules import RuleBook
from clinic_app.services.deadlines.census import (
    KEY_DRIVER_COLUMNS,
    Census,
    _Key,
    _rule_facts,
    _severity,
    key_of,
    open_due,
    theirs,
)
from clinic_app.services.deadlines.query import _d, _deadline_query, _finish_rows, _open_filters
from clinic_app.services.deadlines.queue_rows import QueueItem, _letters, _rows


class _Found(NamedTuple):
    """One open deadline as the index holds it."""

    id: int
    matter_id: int
    occurrence: str
    key: _Key


def pick_keys(
    census: Census,
    tier_of_key: dict[_Key, str | None],
    wanted: dict[str, int],
    book: RuleBook,
    today: date,
) -> dict[str, list[_Key]]:
    """For each tier, the census keys whose rows fill its first `wanted` rows."""
    by_tier: dict[str, list[_Key]] = defaultdict(list)
    for key, tier in tier_of_key.items():
        if tier is not None and not key.merged and wanted.get(tier, 0) > 0:
            by_tier[tier].append(key)
    picked: dict[str, list[_Key]] = {}
    for tier, keys in by_tier.items():

        def rank(key: _Key, tier: str = tier) -> tuple[object, ...]:
            # The row order without its tiebreak (matter, id): keys of equal rank interleave.
            severity = _severity(book, key.rule_id)
            return urgency.sort_key(tier, key.due, severity, (0, ""), today)[:3]

        keys.sort(key=lambda k: (rank(k), k.rule_id, k.letter_id or 0, k.soon_days, k.inactive))
        rows, last = 0, None
        letters: set[tuple[str, date, int]] = set()
        taken = []
        for key in keys:
            this = rank(key)
            if rows >= wanted[tier] and this != last:
                break
            taken.append(key)
            last = this
            if key.letter_id is None:
                rows += census.counts[key]
            elif (key.rule_id, key.due, key.letter_id) not in letters:
                letters.add((key.rule_id, key.due, key.letter_id))
                rows += 1
        picked[tier] = taken
    return picked


def _found_on(
    conn: Any,
    days: list[date],
    rules: list[str],
    today: date,
    census: Census,
    assignee_id: int | None,
) -> list[_Found]:
    """Open, unmarked deadlines of these rules due on these days, from the open-deadline
    index alone."""
    query = select(_d.id, _d.matter_id, _d.occurrence, *KEY_DRIVER_COLUMNS).where(
        *open_due(today), _d.due.in_(days), _d.rule_id.in_(rules)
    )
    if assignee_id is not None:
        query = query.where(_d.matter_id.in_(theirs(assignee_id)))
    found = []
    for row_id, matter, occurrence, *columns in fetch_all(conn, query):
        key = key_of(*columns)
        if (matter, key.rule_id, occurrence) in census.marks:
            continue
        if key.merged and (matter, key.due) in census.unpaired:
            key = key._replace(merged=False)
        found.append(_Found(row_id, matter, occurrence, key))
    return found


def _first_of_each_tier(
    chosen: list[_Found],
    tier_of_key: dict[_Key, str],
    wanted: dict[str, int],
    kinds: dict[str, tuple[str, str]],
    today: date,
) -> list[_Found]:
    """`chosen` without the rows a tier's page cannot reach, so only rows that may be shown are
    read whole and finished (their why sentence). A row that is surely one row of its own is
    placed by its row order (a finished deadline keeps its stored day and its rule's severity);
    once a tier has `wanted` of those, the later ones go. Letter-group members and grant ends
    (said in their permit's row when both are read) are always kept: the queue orders them."""
    placed = []
    kept: list[_Found] = []
    for row in chosen:
        kind, severity = kinds[row.key.rule_id]
        if row.key.letter_id is not None or kind == PAIRED_GRANT:
            kept.append(row)
            continue
        tier = tier_of_key[row.key]
        ref = deadline_ref(row.matter_id, row.key.rule_id, row.occurrence)
        order = urgency.sort_key(tier, row.key.due, severity, (row.matter_id, ref), today)
        placed.append((tier, order, row))
    placed.sort(key=lambda p: (p[0], p[1]))
    shown: dict[str, int] = defaultdict(int)
    for tier, _order, row in placed:
        if shown[tier] < wanted[tier]:
            shown[tier] += 1
            kept.append(row)
    return kept


def read_pages(
    conn: Any,
    book: RuleBook,
    census: Census,
    picked: dict[str, list[_Key]],
    wanted: dict[str, int],
    today: date,
    assignee_id: int | None,
    lang: str | None,
) -> dict[str, list[QueueItem]]:
    """The rows of the picked keys, a tier's page at most of each key (letter groups whole)."""
    tier_of_key = {key: tier for tier, keys in picked.items() for key in keys}
    if not tier_of_key:
        return {}
    days = sorted({k.due for k in tier_of_key})
    # The picked keys' rules, and the grant ends that may be said in a picked permit's row.
    rules = {k.rule_id for k in tier_of_key}
    if any(_rule_facts(book)[rule][0] == PAIRED_PERMIT for rule in rules):
        rules |= {r for r, (kind, _s) in _rule_facts(book).items() if kind == PAIRED_GRANT}
    found = _found_on(conn, days, sorted(rules), today, census, assignee_id)
    per_key: dict[_Key, list[_Found]] = defaultdict(list)
    grants: dict[tuple[int, date], _Found] = {}
    for row in found:
        if row.key in tier_of_key:
            per_key[row.key].append(row)
        elif row.key.merged:
            grants[(row.matter_id, row.key.due)] = row
    chosen: list[_Found] = []
    for key, rows in per_key.items():
        if key.letter_id is None:
            rows.sort(key=lambda r: (r.matter_id, r.occurrence))
            rows = rows[: wanted[tier_of_key[key]]]
        chosen += rows
    kinds = _rule_facts(book)
    chosen = _first_of_each_tier(chosen, tier_of_key, wanted, kinds, today)
    partners = [
        grants[(r.matter_id, r.key.due)]
        for r in chosen
        if kinds[r.key.rule_id][0] == PAIRED_PERMIT and (r.matter_id, r.key.due) in grants
    ]
    ids = [r.id for r in chosen + partners]
    query = _open_filters(_deadline_query(today), today, None, False)
    read: list[Deadline] = []
    for part in chunks(ids):
        rows_read = conn.execute(query.where(_d.id.in_(part)).order_by(_d.matter_id))
        read += _finish_rows(rows_read, book, today, lang)
    tier_of_ref = {
        deadline_ref(r.matter_id, r.key.rule_id, r.occurrence): tier_of_key[r.key] for r in chosen
    }
    in_tier: dict[str, list[Deadline]] = defaultdict(list)
    for d in read:
        tier = tier_of_ref.get(d.id)
        if tier is not None:
            in_tier[tier].append(d)
    pairs = {(r.matter_id, r.key.due) for r in partners}
    paired = [d for d in read if d.kind in urgency.PAIRED_KINDS and (d.matter_id, d.due) in pairs]
    letters = _letters(conn, {r.matter_id: r.key.letter_id for r in chosen if r.key.letter_id})
    return {tier: _rows(rows, paired, today, letters) for tier, rows in in_tier.items()}
