"""Candidates of many checks at once, ranked in Python from each key's holders, read once."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, bindparam, text

KINDS = ("client", "employer", "party")  # in the order SQL sorts them (index.KINDS)
_BY_RANK = tuple(sorted(KINDS))
_KIND_RANK = {kind: rank for rank, kind in enumerate(_BY_RANK)}
# A record as one int that sorts as (kind, id) does: the ranking's tie-break.
_SHIFT = 40
_SPAN = 1 << _SHIFT
READ_CHUNK = 500
# Name keys (phonetic code, prefix, variant group) repeat across a spreadsheet's rows: their
# ranking is kept per set of them. A birth date, A-number or phone is the row's own.
_SHARED = ("f:", "n:", "v:")
# A name keys' ranking is kept as far as its best this many records: all of them would keep
# every holder of a common surname for each set of names. A check that needs more (many of
# those hold its own keys too, or are of a kind it leaves out) ranks them all again.
KEPT = 600


@dataclass
class _Tie:
    """Records with the same total weight, in (kind, id) order once asked for."""

    total: float
    groups: list[frozenset[int]]
    _ordered: list[int] | None = None

    def ordered(self) -> list[int]:
        if self._ordered is None:
            self._ordered = sorted(holder for group in self.groups for holder in group)
        return self._ordered


@dataclass(frozen=True)
class _Base:
    ties: list[_Tie]  # best first
    whole: bool  # every holder of the keys is in `ties`


@dataclass
class Holders:
    """Who holds each key (as record codes), read once for every check that asks, and the
    rankings of the name keys that checks shared."""

    of: dict[str, frozenset[int]] = field(default_factory=dict)
    bases: dict[tuple[str, ...], _Base] = field(default_factory=dict)

    def read(self, conn: Connection, keys: Iterable[str]) -> None:
        """The holders of the keys not read yet, a few hundred keys a statement (SQLite's
        group_concat: the vault's; on the clinic server a person may not read every key)."""
        wanted = sorted({key for key in keys if key not in self.of})
        statement = text(
            "SELECT key, record_kind, group_concat(record_id) FROM conflict_key "
            "WHERE key IN :keys GROUP BY key, record_kind"
        ).bindparams(bindparam("keys", expanding=True))
        for start in range(0, len(wanted), READ_CHUNK):
            chunk = wanted[start : start + READ_CHUNK]
            found: dict[str, list[int]] = {key: [] for key in chunk}
            for key, kind, ids in conn.execute(statement, {"keys": chunk}):
                offset = _KIND_RANK[str(kind)] * _SPAN
                codes = map(int, str(ids).split(","))
                found[str(key)].extend(codes if not offset else (offset + i for i in codes))
            self.of.update({key: frozenset(codes) for key, codes in found.items()})

    def base(self, keys: tuple[str, ...], weight: dict[str, float]) -> _Base:
        found = self.bases.get(keys)
        if found is None:
            ties = self.ranking(keys, weight)
            kept: list[_Tie] = []
            count = 0
            for tie in ties:
                if count >= KEPT:
                    break
                kept.append(tie)
                count += sum(len(group) for group in tie.groups)
            found = self.bases[keys] = _Base(kept, len(kept) == len(ties))
        return found

    def ranking(self, keys: tuple[str, ...], weight: dict[str, float]) -> list[_Tie]:
        """Every record holding one of `keys`, by total weight, best first. Records are split
        by which of the keys they hold with set operations (in C): a loop over every holder
        in Python costs more than the ranking query it replaces."""
        cells: dict[int, frozenset[int]] = {}
        for bit, key in enumerate(keys):
            flag, held = 1 << bit, self.of[key]
            split: dict[int, frozenset[int]] = {}
            shared: list[frozenset[int]] = []
            for mask, members in cells.items():
                both = members & held
                if not both:
                    split[mask] = members
                    continue
                shared.append(both)
                split[mask | flag] = both
                if len(both) < len(members):
                    split[mask] = members - both
            fresh = held.difference(*shared)
            if fresh:
                split[flag] = fresh
            cells = split
        ties: dict[float, _Tie] = {}
        for mask, members in cells.items():
            total = math.fsum(weight[key] for bit, key in enumerate(keys) if mask >> bit & 1)
            ties.setdefault(total, _Tie(total, [])).groups.append(members)
        return [ties[total] for total in sorted(ties, reverse=True)]


def ranked(
    holders: Holders,
    chosen: Sequence[str],
    weight: dict[str, float],
    kinds: Iterable[str],
    limit: int,
) -> list[tuple[str, int]]:
    """The records sharing the most (and rarest) of the chosen keys, best first: what the
    ranking query gives, from the holders in hand (their keys were read)."""
    wanted = {_KIND_RANK[kind] for kind in kinds}
    shared = tuple(sorted(key for key in chosen if key.startswith(_SHARED)))
    own = [key for key in chosen if not key.startswith(_SHARED)]
    base = holders.base(shared, weight)
    touched: set[int] = set()
    for key in own:
        touched |= holders.of[key]
    # A record holding one of the row's own keys: its total is its name keys' and those.
    items: list[tuple[float, int]] = []
    for holder in touched:
        terms = [weight[key] for key in chosen if holder in holders.of[key]]
        items.append((-math.fsum(terms), holder))
    # The others in the name keys' order, as many as could be among the best.
    found = _best(base.ties, touched, wanted, limit)
    if len(found) < limit and not base.whole:
        found = _best(holders.ranking(shared, weight), touched, wanted, limit)
    items += found
    items.sort()
    best = [holder for _total, holder in items if holder >> _SHIFT in wanted][:limit]
    return [(_BY_RANK[holder >> _SHIFT], holder & (_SPAN - 1)) for holder in best]


def _best(
    ties: list[_Tie], touched: set[int], wanted: set[int], limit: int
) -> list[tuple[float, int]]:
    """The first `limit` records of the ties of the kinds wanted that hold none of the row's
    own keys, as (-total, record)."""
    found: list[tuple[float, int]] = []
    for tie in ties:
        for holder in tie.ordered():
            if holder in touched or holder >> _SHIFT not in wanted:
                continue
            found.append((-tie.total, holder))
            if len(found) >= limit:
                return found
    return found
