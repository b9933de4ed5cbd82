"""Scoring one person against another: names, date of birth, A-number, phone, with reasons."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from rapidfuzz import fuzz, process

from clinic_app.conflicts import names as nm
from clinic_app.i18n import _

# A match at or above this score is shown. Chosen on the labelled pairs in tests/data/conflicts
# (see bench/conflicts.py for precision and recall at it); a name that agrees and nothing
# that disagrees is enough, a shared surname alone is not.
THRESHOLD = 60
# Points: the name carries at most 80; identifiers add or take away.
SURNAME_POINTS = 50
GIVEN_POINTS = 30
WHOLE_NAME_POINTS = 80  # one-word names, aliases and names in another order
DOB_SAME, DOB_SWAPPED, DOB_DIFFERENT = 25, 20, -35
A_NUMBER_DIFFERENT = -40
PHONE_SAME = 15
DIFFERENT_GIVEN_NAME = -15


@dataclass(frozen=True)
class Person:
    """Who is being checked, or a record checked against: what intake usually knows."""

    first_name: str = ""
    last_name: str = ""
    other_names: tuple[str, ...] = ()
    date_of_birth: date | None = None
    a_number: str | None = None  # normalized, e.g. A012345678
    phone: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name.strip(), self.last_name.strip()) if p)

    def given(self) -> tuple[str, ...]:
        return nm.name_tokens(self.first_name)

    def surnames(self) -> tuple[str, ...]:
        return nm.name_tokens(self.last_name)

    def phone_key(self) -> str:
        return phone_key(self.phone)


_NOT_DIGIT = re.compile(r"\D")


# A check scores its query's phone against every candidate's, and phones repeat.
@lru_cache(maxsize=65536)
def phone_key(phone: str) -> str:
    """The last 7 digits: area codes and country prefixes are often left out or added."""
    digits = _NOT_DIGIT.sub("", phone or "")
    return digits[-7:] if len(digits) >= 7 else ""


def swapped(day: date) -> date | None:
    """The date with day and month exchanged, when that is a different valid date."""
    if day.day > 12 or day.day == day.month:
        return None
    try:
        return day.replace(month=day.day, day=day.month)
    except ValueError:
        return None


Reasons = Callable[[], list[str]]  # words are built only for the reading that wins

# Ratios below this count as no likeness at all (every rule below asks for 70 or more).
RATIO_CUTOFF = 60


@dataclass
class Ratios:
    """Edit-distance ratios of name parts, from one rapidfuzz `process.extract` per query part
    over every part of every candidate (pairs below the cutoff are left out: they count as 0)."""

    table: dict[tuple[str, str], float] = field(default_factory=dict)
    complete: bool = False  # every pair of the two sets was looked at
    # Pairs worked out when first asked and kept, as `between` gives them: one table for many
    # checks (a spreadsheet's rows), whose candidates share their names.
    lazy: bool = False
    # Candidates share surnames and given names: each comparison is made once per check.
    parts_seen: dict[tuple[tuple[str, ...], tuple[str, ...]], PartsMatch] = field(
        default_factory=dict
    )
    # Many candidates carry the same name as another (the Juan Garcías of a big vault).
    names_seen: dict[tuple[object, ...], tuple[float, Reasons]] = field(default_factory=dict)

    @classmethod
    def between(cls, query: Iterable[str], others: Iterable[str]) -> Ratios:
        choices = sorted(set(others))
        table: dict[tuple[str, str], float] = {}
        for part in sorted(set(query)):
            found = process.extract(
                part, choices, scorer=fuzz.ratio, limit=None, score_cutoff=RATIO_CUTOFF
            )
            table.update({(part, choice): float(score) for choice, score, _i in found})
        return cls(table, complete=True)

    def get(self, a: str, b: str) -> float:
        found = self.table.get((a, b), self.table.get((b, a)))
        if found is not None:
            return found
        if self.complete:
            return 0.0
        ratio = float(fuzz.ratio(a, b))
        if self.lazy:
            ratio = self.table[(a, b)] = ratio if ratio >= RATIO_CUTOFF else 0.0
        return ratio


@dataclass(frozen=True)
class PartMatch:
    query: str
    other: str
    strength: float
    how: str  # same | variant | initial | sounds | spelled


def part_match(a: str, b: str, ratios: Ratios) -> PartMatch | None:
    """How well one name part matches another (None: not at all)."""
    if a == b:
        return PartMatch(a, b, 1.0, "same")
    if len(a) == 1 or len(b) == 1:
        return PartMatch(a, b, 0.6, "initial") if a[0] == b[0] else None
    if nm.gender_pair(a, b):
        return None
    if nm.variants().same_group(a, b):
        return PartMatch(a, b, 0.9, "variant")
    ratio = ratios.get(a, b)
    if ratio >= 70 and nm.phonetic(a) == nm.phonetic(b):
        return PartMatch(a, b, 0.85, "sounds")
    if ratio >= 84:
        return PartMatch(a, b, 0.8, "spelled")
    return None


@dataclass(frozen=True)
class PartsMatch:
    similarity: float  # 0..1
    pairs: tuple[PartMatch, ...]
    conflicting: bool  # both sides have a part the other lacks (Pérez López / Pérez García)


def parts_match(query: Sequence[str], other: Sequence[str], ratios: Ratios) -> PartsMatch:
    """The shorter list's parts matched in any order against the longer's ("either part")."""
    key = (tuple(query), tuple(other))
    found = ratios.parts_seen.get(key)
    if found is None:
        found = ratios.parts_seen[key] = _parts_match(query, other, ratios)
    return found


def _parts_match(query: Sequence[str], other: Sequence[str], ratios: Ratios) -> PartsMatch:
    if not query or not other:
        return PartsMatch(0.0, (), False)
    flip = len(query) > len(other)
    short, long_ = (other, query) if flip else (query, other)
    used: set[int] = set()
    pairs: list[PartMatch] = []
    for token in short:
        best: tuple[int, PartMatch] | None = None
        for index, candidate in enumerate(long_):
            if index in used:
                continue
            found = (
                part_match(candidate, token, ratios)
                if flip
                else part_match(token, candidate, ratios)
            )
            if found and (best is None or found.strength > best[1].strength):
                best = (index, found)
        if best is not None:
            used.add(best[0])
            pairs.append(best[1])
    similarity = sum(p.strength for p in pairs) / len(short)
    conflicting = len(pairs) < len(short) and len(long_) > len(pairs)
    if conflicting and len(short) > 1:
        similarity *= 0.5
    elif len(long_) > len(pairs) and pairs and all(p.how == "initial" for p in pairs):
        similarity *= 0.5  # "M. J." against "Juan": one initial fits, the other is left over
    return PartsMatch(similarity, tuple(pairs), conflicting)


@dataclass(frozen=True)
class Scored:
    score: int
    reasons: tuple[str, ...]


_UNSHOWN = tuple(Scored(score, ()) for score in range(THRESHOLD))  # made once, not per candidate


def _shown(token: str) -> str:
    """A folded name part as a person reads it in a reason ("garcia" -> "Garcia")."""
    return token.upper() if len(token) == 1 else token.title()


def _describe(pairs: Iterable[PartMatch], label: str, whole: str) -> list[str]:
    """Words for the parts that matched: "surname Pérez García matches 'Garcia'"."""
    out = []
    pairs = list(pairs)
    exact = [p for p in pairs if p.how == "same"]
    if exact:
        typed = " ".join(_shown(p.query) for p in exact)
        out.append(
            _("{label} {whole} matches '{typed}'").format(label=label, whole=whole, typed=typed)
        )
    words = {
        "variant": _("{label} {a} ~ {b} (a variant of the same name)"),
        "initial": _("initial {b} fits {a}"),
        "sounds": _("{label} {a} sounds like {b}"),
        "spelled": _("{label} {a} is spelled like {b}"),
    }
    for p in pairs:
        if p.how in words:
            out.append(words[p.how].format(label=label, a=_shown(p.other), b=_shown(p.query)))
    return out


def _structured(query: Person, other: Person, ratios: Ratios) -> tuple[float, Reasons]:
    """Points for given names and surnames compared part by part."""
    surname = parts_match(query.surnames(), other.surnames(), ratios)
    given = parts_match(query.given(), other.given(), ratios)
    if given.pairs and given.pairs[0].other != (other.given() or ("",))[0]:
        given = PartsMatch(given.similarity * 0.9, given.pairs, given.conflicting)
    points = SURNAME_POINTS * surname.similarity + GIVEN_POINTS * given.similarity
    if not given.pairs:
        # Brothers and sisters share surnames, an address and often a phone.
        points += DIFFERENT_GIVEN_NAME

    def reasons() -> list[str]:
        out = _describe(surname.pairs, _("surname"), other.last_name.strip())
        out += _describe(given.pairs, _("given name"), other.first_name.strip())
        if surname.conflicting and surname.pairs:
            out.append(_("but the other surnames differ"))
        return out

    return points, reasons


def _whole(
    query_parts: Sequence[str], other_parts: Sequence[str], other_name: str, ratios: Ratios
) -> tuple[float, Reasons]:
    """Points for a whole name compared without knowing which part is which."""
    found = parts_match(query_parts, other_parts, ratios)
    shortest = min(len(query_parts), len(other_parts))
    points = WHOLE_NAME_POINTS * found.similarity
    if shortest == 1 and max(len(query_parts), len(other_parts)) > 1:
        points *= 0.75  # one shared word in a longer name says little
    return points, lambda: _describe(found.pairs, _("name"), other_name)


def _with(reasons: Reasons, extra: str) -> Reasons:
    return lambda: [*reasons(), extra]


def name_points(query: Person, other: Person, ratios: Ratios) -> tuple[float, Reasons]:
    """The best reading of the names: part by part, in the other order, or via another name."""
    key = (
        query.first_name,
        query.last_name,
        query.other_names,
        other.first_name,
        other.last_name,
        other.other_names,
    )
    found = ratios.names_seen.get(key)
    if found is None:
        found = ratios.names_seen[key] = _name_points(query, other, ratios)
    return found


def _name_points(query: Person, other: Person, ratios: Ratios) -> tuple[float, Reasons]:
    options: list[tuple[float, Reasons]] = []
    if query.surnames() and other.surnames() and query.given() and other.given():
        options.append(_structured(query, other, ratios))
        if options[0][0] < SURNAME_POINTS + GIVEN_POINTS * 0.9:
            flipped = Person(first_name=query.last_name, last_name=query.first_name)
            points, reasons = _structured(flipped, other, ratios)
            options.append(
                (points * 0.95, _with(reasons, _("first and last names in the other order")))
            )
    else:
        options.append(
            _whole(
                query.given() + query.surnames(),
                other.given() + other.surnames(),
                other.full_name,
                ratios,
            )
        )
    query_all = query.given() + query.surnames()
    for alias in other.other_names:
        points, reasons = _whole(query_all, nm.name_tokens(alias), alias, ratios)
        options.append((points * 0.95, _with(reasons, _("under another name used"))))
    return max(options, key=lambda option: option[0])


def score_person(
    query: Person, other: Person, ratios: Ratios | None = None, known: Known | None = None
) -> Scored:
    """How likely `other` is the person described by `query`, 0-100, with reasons in words
    (`known`: the query's identifiers, when its caller worked them out already)."""
    if ratios is None:
        ratios = Ratios.between(all_parts(query), all_parts(other))
    points, reasons = name_points(query, other, ratios)
    known = known if known is not None else Known.of(query)
    same_a_number, how_born, same_phone = known.identifiers(other)
    if same_a_number is not None:
        points = max(points + 40, 95) if same_a_number else points + A_NUMBER_DIFFERENT
    if how_born:
        points += _BORN_POINTS[how_born]
    if same_phone:
        points += PHONE_SAME
    score = max(0, min(100, round(points)))
    # A check scores some hundred candidates, most of them not shown: words only for a match
    # that will be shown.
    if score < THRESHOLD:
        return _UNSHOWN[score]
    facts: list[str] = []
    if same_a_number is not None:
        facts.append(_("same A-number") if same_a_number else _("different A-number"))
    born, other_born = query.date_of_birth, other.date_of_birth
    if how_born == "same":
        facts.append(_("same date of birth"))
    elif how_born == "swapped" and born and other_born:
        facts.append(
            _("date of birth with day and month swapped ({a} ~ {b})").format(
                a=other_born.isoformat(), b=born.isoformat()
            )
        )
    elif how_born == "different":
        facts.append(_("different date of birth"))
    if same_phone:
        facts.append(_("same phone number (last 7 digits)"))
    return Scored(score, tuple(facts + reasons()))


_BORN_POINTS = {"same": DOB_SAME, "swapped": DOB_SWAPPED, "different": DOB_DIFFERENT}
# The most any reading of two names brings (both parts the same, or the whole name).
BEST_NAME_POINTS = max(SURNAME_POINTS + GIVEN_POINTS, WHOLE_NAME_POINTS)


@dataclass(frozen=True)
class Known:
    """A query's identifiers as its candidates are compared with them, worked out once: a
    check compares one query with a hundred candidates, an import's with a hundred thousand."""

    a_number: str | None
    born: date | None
    born_swapped: date | None
    phone: str  # its last 7 digits, "" when unknown

    @classmethod
    def of(cls, query: Person) -> Known:
        born = query.date_of_birth
        return cls(query.a_number, born, swapped(born) if born else None, phone_key(query.phone))

    def identifiers(self, other: Person) -> tuple[bool | None, str, bool]:
        """What the A-numbers (the same, different, or None: not both known), the birth dates
        ("same", "swapped", "different", or "" when not both known) and the phones say."""
        same_a_number: bool | None = None
        if self.a_number and other.a_number:
            same_a_number = self.a_number == other.a_number
        how_born = ""
        other_born = other.date_of_birth
        if self.born and other_born:
            if other_born == self.born:
                how_born = "same"
            elif other_born == self.born_swapped:
                how_born = "swapped"
            else:
                how_born = "different"
        same_phone = bool(self.phone and other.phone) and self.phone == phone_key(other.phone)
        return same_a_number, how_born, same_phone

    def may_show(self, other: Person) -> bool:
        """False when no reading of the names could bring `other` to THRESHOLD against the
        query, the A-numbers, birth dates and phones being what they are (a different birth
        date or A-number outweighs the best name): a check need not score it."""
        same_a_number, how_born, same_phone = self.identifiers(other)
        if same_a_number:
            return True
        best = BEST_NAME_POINTS + (A_NUMBER_DIFFERENT if same_a_number is False else 0)
        best += _BORN_POINTS.get(how_born, 0) + (PHONE_SAME if same_phone else 0)
        return best >= THRESHOLD


def identifiers(query: Person, other: Person) -> tuple[bool | None, str, bool]:
    """`Known.identifiers` of one query against one other person."""
    return Known.of(query).identifiers(other)


def may_show(query: Person, other: Person) -> bool:
    """`Known.may_show` of one query against one other person."""
    return Known.of(query).may_show(other)


def all_parts(person: Person) -> list[str]:
    parts = [*person.given(), *person.surnames()]
    for alias in person.other_names:
        parts += nm.name_tokens(alias)
    return parts


def score_name_against_business(query: Person, business: str, ratios: Ratios) -> Scored:
    """A person against an employer's name (a sole proprietor, a family business)."""
    person_parts = query.given() + query.surnames()
    business_parts = nm.business_tokens(business)
    if not person_parts or not business_parts:
        return Scored(0, ())
    found = parts_match(person_parts, business_parts, ratios)
    # Every part of the person's name must be in the business name: "Ramírez Landscaping"
    # alone does not name Juan Ramírez.
    covered = sum(p.strength for p in found.pairs) / len(person_parts)
    score = round(85 * covered) if len(found.pairs) == len(person_parts) else round(50 * covered)
    reasons = _describe(found.pairs, _("employer name"), business)
    return Scored(max(0, min(100, score)), tuple(reasons))


def score_businesses(query: str, other: str) -> Scored:
    """Two employer names: the same business written another way."""
    a, b = " ".join(nm.business_tokens(query)), " ".join(nm.business_tokens(other))
    if not a or not b:
        return Scored(0, ())
    ratio = fuzz.token_sort_ratio(a, b)
    if a == b:
        return Scored(100, (_("same employer name once 'LLC', 'Inc.' and the like are ignored"),))
    if ratio >= 85:
        return Scored(
            round(ratio * 0.9), (_("employer name {name} is spelled like it").format(name=other),)
        )
    return Scored(0, ())
