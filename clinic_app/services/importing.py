"""Import a clinic's spreadsheet (CSV or XLSX): validate every row, then write all or nothing."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from clinic_app.domain import validators as v
from clinic_app.domain.places import normalize_state
from clinic_app.domain.text import fold
from clinic_app.domain.vocab import MATTER_KINDS
from clinic_app.errors import UserError, ValidationError
from clinic_app.i18n import _, format_number, ngettext
from clinic_app.services import conflicts
from clinic_app.services.changes import ChangeSet
from clinic_app.services.import_files import MAX_ROWS, read_table
from clinic_app.services.import_write import Writer
from clinic_app.store.base import Store
from clinic_app.vault import audit, bulk

COLUMNS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "a_number",
    "country_of_birth",
    "preferred_language",
    "phone",
    "email",
    "address",
    "state",
    "employer",
    "worksite_city",
    "worksite_state",
    "agency",
    "letter_date",
    "letter_period_start",
    "letter_period_end",
    "matter_kind",
    "filed_date",
    "receipt_number",
    "deferred_action_start",
    "deferred_action_end",
    "work_permit_start",
    "work_permit_end",
    "notes",
    "assignee",
)
REQUIRED = ("first_name", "last_name", "employer")
MAX_CELL = 10_000
CHUNK = 2000  # rows written per executemany of each table
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RowProblem:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    reason: str

    def __str__(self) -> str:
        return _("row {row}, {column}: {reason}").format(
            row=self.row, column=self.column, reason=self.reason
        )


@dataclass(frozen=True)
class ParsedRow:
    row: int
    client: dict[str, Any]
    employer: str
    city: str
    state: str
    agency: str
    letter_date: date | None
    letter_start: date | None
    letter_end: date | None
    kind: str
    filed: date | None
    receipt: str | None
    da: tuple[date | None, date | None]
    wp: tuple[date | None, date | None]
    notes: str
    assignee: str = ""


@dataclass
class ImportReport:
    rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    matches: list[str] = field(default_factory=list)
    # New workers who may already be clients under another spelling, or adverse parties.
    possible_duplicates: list[str] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False
    changes: ChangeSet = field(default_factory=ChangeSet)

    @property
    def ok(self) -> bool:
        return not self.problems


# -- validating ----------------------------------------------------------------------------


def _header_map(header: list[str], report: ImportReport) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        key = name.strip().lower().replace(" ", "_").replace("-", "_").rstrip("*")
        if not key:
            continue
        if key in index:
            raise UserError(
                _("The column '{name}' appears twice in the header row.").format(name=name)
            )
        if key not in COLUMNS:
            report.warnings.append(f"column '{name}' is not one the importer knows; it was ignored")
            continue
        index[key] = position
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        raise UserError(
            ngettext(
                "The header row lacks the required column {columns}; the first row must name "
                "the columns (see 'clinic-app import --help').",
                "The header row lacks the required columns {columns}; the first row must name "
                "the columns (see 'clinic-app import --help').",
                len(missing),
            ).format(columns=", ".join(missing))
        )
    return index


def _check_cells(number: int, values: dict[str, str], problems: list[RowProblem]) -> None:
    """Each cell made plain text, or its problem listed and the cell emptied or cleaned."""
    for column, value in values.items():
        if len(value) > MAX_CELL:
            problems.append(
                RowProblem(
                    number,
                    column,
                    _("is longer than {most} characters").format(most=MAX_CELL),
                )
            )
            values[column] = ""
            continue
        try:
            values[column] = v.plain_text(value, column, multiline=column == "notes")
        except ValidationError as exc:
            problems.append(RowProblem(number, column, exc.problem))
            values[column] = v.without_controls(value)


# Columns whose every value is its own: not worth remembering how they parsed.
_UNIQUE = frozenset({"a_number", "receipt_number"})
_DATES = (
    "letter_date",
    "letter_period_start",
    "letter_period_end",
    "filed_date",
    "deferred_action_start",
    "deferred_action_end",
    "work_permit_start",
    "work_permit_end",
)
_RANGES = (
    ("letter_period_start", "letter_period_end"),
    ("deferred_action_start", "deferred_action_end"),
    ("work_permit_start", "work_permit_end"),
)


def _date_parser(column: str) -> Callable[[str], Any]:
    return lambda text: v.parse_date(text, column)


def _kind(text: str) -> str:
    return v.choice(text, MATTER_KINDS, "matter_kind", "initial")


# The parsed columns, in the order their problems are listed: the date of birth (whose own
# check follows it), then the client's and the matter's, then the receipt number.
_Named = tuple[tuple[str, Callable[[str], Any]], ...]
_BORN: _Named = (("date_of_birth", _date_parser("date_of_birth")),)
_FIELDS: _Named = (
    ("a_number", v.normalize_a_number),
    ("preferred_language", v.normalize_languages),
    ("email", v.normalize_email),
    ("state", normalize_state),
    ("matter_kind", _kind),
    *((column, _date_parser(column)) for column in _DATES),
)
_RECEIPT: _Named = (("receipt_number", v.normalize_receipt_number),)
# A column, its parser, and what its texts parsed to in this import (None: not remembered).
Remembered = dict[str, tuple[Any, str | None]]
Parsers = tuple[tuple[str, Callable[[str], Any], Remembered | None], ...]


@dataclass(frozen=True)
class Parsing:
    """What one import's rows are parsed with: a spreadsheet repeats its dates, states and
    kinds, so each (column, text) is parsed once per import, its value or its problem
    remembered (the parsers depend on nothing else)."""

    born: Parsers
    fields: Parsers
    receipt: Parsers
    today: date

    @classmethod
    def new(cls) -> Parsing:
        def remembering(parsers: _Named) -> Parsers:
            return tuple((c, parse, None if c in _UNIQUE else {}) for c, parse in parsers)

        return cls(remembering(_BORN), remembering(_FIELDS), remembering(_RECEIPT), date.today())


def _take(
    parsers: Parsers,
    number: int,
    values: dict[str, str],
    problems: list[RowProblem],
    out: dict[str, Any],
) -> None:
    """Parse these columns of a row into `out`, listing their problems."""
    for column, parse, seen in parsers:
        text = values.get(column, "")
        found = seen.get(text) if seen is not None else None
        if found is None:
            try:
                found = (parse(text), None)
            except ValidationError as exc:
                found = (None, exc.problem)
            if seen is not None:
                seen[text] = found
        if found[1] is not None:
            problems.append(RowProblem(number, column, found[1]))
        out[column] = found[0]


def _parse_row(
    number: int, values: dict[str, str], problems: list[RowProblem], parsing: Parsing
) -> ParsedRow | None:
    before = len(problems)
    joined = "".join(values.values())
    if len(joined) > MAX_CELL or v.has_controls(joined):
        # Something to refuse or clean in a cell; in the usual row there is nothing, and
        # plain_text would only strip cells read_table has stripped already.
        _check_cells(number, values, problems)
    first, last = values.get("first_name", ""), values.get("last_name", "")
    if not first and not last:
        problems.append(
            RowProblem(number, "first_name", _("a worker needs a first or a last name"))
        )
    employer = values.get("employer", "")
    if not employer:
        problems.append(RowProblem(number, "employer", _("is required")))
    parsed: dict[str, Any] = {}
    _take(parsing.born, number, values, problems, parsed)
    born = parsed["date_of_birth"]
    if born and born > parsing.today:
        problems.append(
            RowProblem(
                number,
                "date_of_birth",
                _("{born} is in the future").format(born=born.isoformat()),
            )
        )
    _take(parsing.fields, number, values, problems, parsed)
    client = {
        "first_name": first,
        "last_name": last,
        "date_of_birth": born,
        "a_number": parsed["a_number"],
        "country_of_birth": values.get("country_of_birth", ""),
        "preferred_languages": parsed["preferred_language"] or "",
        "phone": values.get("phone", ""),
        "email": parsed["email"] or "",
        # The state of the client's home: the `state` column, else read from the address.
        "address": values.get("address", ""),
        "state": parsed["state"] or "",
    }
    kind = parsed["matter_kind"]
    dates = parsed
    for start, end in _RANGES:
        first_day, last_day = dates[start], dates[end]
        if first_day and last_day and last_day < first_day:
            problems.append(
                RowProblem(
                    number,
                    end,
                    _("{last_day} is before {start} {first_day}").format(
                        last_day=last_day, start=start, first_day=first_day
                    ),
                )
            )
    agency = values.get("agency", "")
    if not agency and any(
        values.get(c) for c in ("letter_date", "letter_period_start", "letter_period_end")
    ):
        problems.append(
            RowProblem(number, "agency", _("is required when the row has agency letter dates"))
        )
    _take(parsing.receipt, number, values, problems, parsed)
    receipt = parsed["receipt_number"]
    if len(problems) > before:
        return None
    return ParsedRow(
        row=number,
        client=client,
        employer=employer,
        city=values.get("worksite_city", ""),
        state=values.get("worksite_state", ""),
        agency=agency,
        letter_date=dates["letter_date"],
        letter_start=dates["letter_period_start"],
        letter_end=dates["letter_period_end"],
        kind=kind,
        filed=dates["filed_date"],
        receipt=receipt,
        da=(dates["deferred_action_start"], dates["deferred_action_end"]),
        wp=(dates["work_permit_start"], dates["work_permit_end"]),
        notes=values.get("notes", ""),
        assignee=values.get("assignee", ""),
    )


def parse_file(path: Path, report: ImportReport) -> list[ParsedRow]:
    table = read_table(path)
    header, rows = table.header, table.rows
    report.warnings.extend(table.warnings)
    if len(rows) > MAX_ROWS:
        raise UserError(
            _("The file has {count} rows; split it into files of at most {most} rows.").format(
                count=format_number(len(rows)), most=format_number(MAX_ROWS)
            )
        )
    index = _header_map(header, report)
    for r, c in sorted(table.formula_gaps):
        column = next((name for name, i in index.items() if i == c), None)
        if column is not None:
            report.problems.append(
                RowProblem(
                    r + 2,
                    column,
                    _(
                        "is a formula saved without its value; open the file in Excel and save it again"
                    ),
                )
            )
    parsed: list[ParsedRow] = []
    parsing = Parsing.new()
    columns, positions = list(index), list(index.values())
    pick = operator.itemgetter(*positions)  # at least the required columns: a tuple
    widest = max(positions)
    for offset, cells in enumerate(rows):
        number = offset + 2
        if not any(cells):
            continue
        report.rows += 1
        if len(cells) > widest:
            values = dict(zip(columns, pick(cells), strict=True))
        else:  # a short row: the cells it leaves out are empty
            values = {column: (cells[i] if i < len(cells) else "") for column, i in index.items()}
        row = _parse_row(number, values, report.problems, parsing)
        if row is not None:
            parsed.append(row)
    _check_duplicates_in_file(parsed, report)
    return parsed


def _check_duplicates_in_file(rows: list[ParsedRow], report: ImportReport) -> None:
    seen: dict[str, int] = {}
    owners: dict[str, tuple[int, str]] = {}
    for row in rows:
        a_number = row.client["a_number"]
        if a_number:
            name = fold(f"{row.client['first_name']} {row.client['last_name']}")
            first = owners.setdefault(a_number, (row.row, name))
            if first[1] != name:
                report.problems.append(
                    RowProblem(
                        row.row,
                        "a_number",
                        _("{a_number} is also on row {row} for a different name").format(
                            a_number=a_number, row=first[0]
                        ),
                    )
                )
        if row.receipt:
            if row.receipt in seen:
                report.problems.append(
                    RowProblem(
                        row.row,
                        "receipt_number",
                        _("{receipt} is also on row {row}").format(
                            receipt=row.receipt, row=seen[row.receipt]
                        ),
                    )
                )
            seen.setdefault(row.receipt, row.row)


class _DryRunDone(Exception):
    """Raised inside the transaction of a dry run so that nothing is kept."""


def import_file(
    vault: Store,
    *,
    path: Path,
    dry_run: bool = False,
    progress: Progress | None = None,
    checking: Progress | None = None,
) -> ImportReport:
    """Validate every row first; if any is invalid nothing is written and every problem is listed.

    `checking(rows, of)` follows the conflict check of the new workers against the vault,
    then `progress(rows, of)` the writing.

    Rows naming the same employer share one Employer; the same agency, employer and letter date
    share one AgencyLetter. A worker already in the vault (same A-number, or same name and date
    of birth) is matched, not duplicated, and the report says so.
    """
    report = ImportReport(dry_run=dry_run)
    with bulk.gc_paused():
        rows = parse_file(Path(path), report)
    if report.problems:
        return report
    try:
        with vault.session() as session, bulk.bulk_work(session.connection()):
            # The conflict check runs on the vault as it was before this file.
            report.possible_duplicates = conflicts.import_duplicates(
                session, [(row.row, row.client) for row in rows], checking
            )
            writer = Writer(session, report)
            for start in range(0, len(rows), CHUNK):
                writer.write_chunk(rows[start : start + CHUNK])
                if progress:
                    progress(min(start + CHUNK, len(rows)), len(rows))
            writer.finish()
            session.flush()
            report.created = {k: n for k, n in writer.counts.items() if n}
            if dry_run:
                raise _DryRunDone  # rolls the whole transaction back
            writer.index()
            audit.record(
                session,
                action="import",
                record_kind="vault",
                summary=", ".join(f"{n} {k}" for k, n in report.created.items()) or "nothing new",
            )
    except _DryRunDone:
        return report
    kinds = frozenset(k for k, n in report.created.items() if n)
    report.changes = ChangeSet(kinds=kinds)
    return report


def preview(*, path: Path, limit: int = 50) -> tuple[list[str], list[list[str]]]:
    """The header and first rows of a spreadsheet, as the importer reads them (nothing is written)."""
    table = read_table(Path(path))
    return table.header, table.rows[:limit]
