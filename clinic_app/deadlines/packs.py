"""Reading rule packs (TOML in resources/rules) and checking every field, with errors that say
which file, which rule and what to write instead."""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from clinic_app.deadlines.calendar import ROLLS
from clinic_app.deadlines.rules import (
    BASES,
    DIRECTIONS,
    DONE_WHEN,
    FACTS,
    FALLBACK_PROGRAM,
    KINDS,
    MAX_DAYS,
    PACK_SCHEMA,
    POLICY_STATUSES,
    REVIEW_DAYS,
    SEVERITIES,
    WHEN,
    PolicyEntry,
    Rule,
    RulePack,
    RulePackError,
)
from clinic_app.domain.places import STATES
from clinic_app.i18n import _, ngettext
from clinic_app.resources import resource_path

_RULE_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
_PROGRAM_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_PLACEHOLDERS = {"fact_label", "fact_date", "days", "due", "mail_days", "stated_due"}
_FIELD = re.compile(r"\{([^{}]*)\}")
# message_past and why_past: what is said once the date has passed ("Work permit ended").
_TEXTS = ("message", "why", "why_mailed", "why_stated", "not_here", "message_past", "why_past")
_POLICY_TEXTS = ("summary",)


def shipped_pack_files() -> list[Path]:
    folder = resource_path("rules")
    return sorted(folder.glob("*.toml"))


def _fail(path: str, where: str, problem: str) -> RulePackError:
    return RulePackError(
        _("Rule pack {file}, {where}: {problem}.").format(
            file=Path(path).name, where=where, problem=problem
        )
    )


def _date(value: Any, path: str, where: str, name: str, required: bool = True) -> date | None:
    if value is None and not required:
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _fail(path, where, _("'{name}' must be a date like 2025-01-24").format(name=name))


def _text(value: Any, path: str, where: str, name: str, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _fail(path, where, _("'{name}' must be a non-empty text").format(name=name))
    return value.strip()


def _int(value: Any, path: str, where: str, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(
            path,
            where,
            _("'{name}' must be a whole number from {low} to {high}").format(
                name=name, low=low, high=high
            ),
        )
    return value


def _choices(
    value: Any, allowed: Iterable[str], path: str, where: str, name: str
) -> tuple[str, ...]:
    allowed = tuple(allowed)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(path, where, _("'{name}' must be a list of texts").format(name=name))
    for item in value:
        if item not in allowed:
            raise _fail(
                path,
                where,
                _("'{name}' has '{item}'; known: {known}").format(
                    name=name, item=item, known=", ".join(allowed)
                ),
            )
    return tuple(value)


def _places(
    raw: Mapping[str, Any], path: str, where: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`where` and `except` lists of two-letter state codes."""
    out = []
    for name in ("where", "except"):
        value = raw.get(name)
        if value is None:
            out.append(())
            continue
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise _fail(
                path,
                where,
                _("'{name}' must be a list of state codes like [\"TX\"]").format(name=name),
            )
        codes = tuple(v.strip().upper() for v in value)
        unknown = [c for c in codes if c not in STATES]
        if unknown:
            raise _fail(
                path,
                where,
                _("'{name}' has '{code}', which is not a US state code").format(
                    name=name, code=unknown[0]
                ),
            )
        out.append(codes)
    if out[0] and out[1]:
        raise _fail(path, where, _("use 'where' or 'except', not both"))
    return out[0], out[1]


def _translations(
    raw: Any, allowed: tuple[str, ...], path: str, where: str
) -> dict[str, dict[str, str]]:
    translations: dict[str, dict[str, str]] = {}
    for lang, texts in (raw or {}).items():
        if not isinstance(texts, dict) or not set(texts) <= set(allowed):
            raise _fail(
                path,
                where,
                _("translations.{lang} may only hold {known}").format(
                    lang=lang, known=", ".join(allowed)
                ),
            )
        translations[lang] = {
            k: _text(v, path, where, f"translations.{lang}.{k}") for k, v in texts.items()
        }
    return translations


def _check_template(template: str, path: str, where: str, name: str) -> None:
    for placeholder in _FIELD.findall(template):
        if placeholder not in _PLACEHOLDERS:
            raise _fail(
                path,
                where,
                _("'{name}' uses {{{placeholder}}}; known: {known}").format(
                    name=name,
                    placeholder=placeholder,
                    known=", ".join("{" + p + "}" for p in sorted(_PLACEHOLDERS)),
                ),
            )


def _policy(raw: Any, path: str, index: int) -> PolicyEntry:
    where = _("policy entry {n}").format(n=index + 1)
    if not isinstance(raw, dict):
        raise _fail(path, where, _("must be a table"))
    status = raw.get("status")
    if status not in POLICY_STATUSES:
        raise _fail(
            path,
            where,
            _("'status' must be one of {known}").format(known=", ".join(POLICY_STATUSES)),
        )
    unknown = sorted(set(raw) - _POLICY_FIELDS)
    if unknown:
        raise _fail(path, where, _unknown_fields(unknown))
    only, never = _places(raw, path, where)
    return PolicyEntry(
        status=status,
        on=_date(raw.get("date"), path, where, "date"),  # type: ignore[arg-type]
        summary=_text(raw.get("summary"), path, where, "summary"),
        source=_text(raw.get("source"), path, where, "source"),
        last_checked=_date(raw.get("last_checked"), path, where, "last_checked"),
        where=only,
        except_=never,
        translations=_translations(raw.get("translations"), _POLICY_TEXTS, path, where),
    )


_POLICY_FIELDS = {
    "status",
    "date",
    "summary",
    "source",
    "last_checked",
    "where",
    "except",
    "translations",
}


_RULE_FIELDS = {
    "id",
    "kind",
    "fact",
    "days",
    "direction",
    "roll",
    "severity",
    "soon_days",
    "reminders",
    "basis",
    "message",
    "why",
    "why_mailed",
    "why_stated",
    "when",
    "done_when",
    "retire_after",
    "mailed_extra_days",
    "honor_stated_due",
    "source",
    "last_checked",
    "translations",
    "where",
    "except",
    "not_here",
    "message_past",
    "why_past",
}


def _rule(raw: Any, program: str, path: str, index: int, earlier_kinds: set[str]) -> Rule:
    where = _("rule {n}").format(n=index + 1)
    if not isinstance(raw, dict):
        raise _fail(path, where, _("must be a table"))
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not _RULE_ID.match(rule_id):
        raise _fail(
            path, where, _("'id' must look like 'lda.renewal_file_by' (lower case, dotted)")
        )
    where = _("rule {rule_id}").format(rule_id=rule_id)
    unknown = sorted(set(raw) - _RULE_FIELDS)
    if unknown:
        raise _fail(path, where, _unknown_fields(unknown))
    kind = raw.get("kind")
    if kind not in KINDS or kind == "task":
        raise _fail(
            path,
            where,
            _("'kind' must be one of {known}").format(
                known=", ".join(k for k in KINDS if k != "task")
            ),
        )
    if kind in earlier_kinds:
        raise _fail(
            path,
            where,
            _("a pack has one rule per kind, and '{kind}' came earlier").format(kind=kind),
        )
    fact = raw.get("fact")
    if fact not in FACTS and fact not in earlier_kinds:
        raise _fail(
            path,
            where,
            _("'fact' must be one of {known} or the kind of an earlier rule in the pack").format(
                known=", ".join(FACTS)
            ),
        )
    direction = raw.get("direction", "after")
    if direction not in DIRECTIONS:
        raise _fail(path, where, _("'direction' must be 'before' or 'after'"))
    roll = raw.get("roll", "none")
    if roll not in ROLLS:
        raise _fail(path, where, _("'roll' must be one of {known}").format(known=", ".join(ROLLS)))
    severity = raw.get("severity", "normal")
    if severity not in SEVERITIES:
        raise _fail(
            path, where, _("'severity' must be one of {known}").format(known=", ".join(SEVERITIES))
        )
    basis = raw.get("basis")
    if basis not in BASES:
        raise _fail(path, where, _("'basis' must be one of {known}").format(known=", ".join(BASES)))
    reminders = raw.get("reminders", [])
    if not isinstance(reminders, list):
        raise _fail(path, where, _("'reminders' must be a list of days before the due date"))
    reminder_days = tuple(
        sorted(
            {_int(r, path, where, "reminders", 0, MAX_DAYS) for r in reminders},
            reverse=True,
        )
    )
    retire_after = raw.get("retire_after")
    if retire_after is not None and retire_after not in FACTS:
        raise _fail(
            path, where, _("'retire_after' must be one of {known}").format(known=", ".join(FACTS))
        )
    honor = raw.get("honor_stated_due", False)
    if not isinstance(honor, bool):
        raise _fail(path, where, _("'honor_stated_due' must be true or false"))
    translations = _translations(raw.get("translations"), _TEXTS, path, where)
    only, never = _places(raw, path, where)
    not_here = _text(raw.get("not_here"), path, where, "not_here", required=False)
    if (only or never) and not not_here:
        raise _fail(path, where, _("a rule with 'where' or 'except' needs 'not_here' saying why"))
    rule = Rule(
        id=rule_id,
        program=program,
        kind=kind,
        fact=fact,
        days=_int(raw.get("days"), path, where, "days", 0, MAX_DAYS),
        direction=direction,
        roll=roll,
        severity=severity,
        soon_days=_int(raw.get("soon_days", 14), path, where, "soon_days", 0, MAX_DAYS),
        reminders=reminder_days,
        basis=basis,
        message=_text(raw.get("message"), path, where, "message"),
        why=_text(raw.get("why"), path, where, "why"),
        why_mailed=_text(raw.get("why_mailed"), path, where, "why_mailed", required=False),
        why_stated=_text(raw.get("why_stated"), path, where, "why_stated", required=False),
        when=_choices(raw.get("when"), WHEN, path, where, "when"),
        done_when=_choices(raw.get("done_when"), DONE_WHEN, path, where, "done_when"),
        retire_after=retire_after,
        mailed_extra_days=_int(
            raw.get("mailed_extra_days", 0), path, where, "mailed_extra_days", 0, 30
        ),
        honor_stated_due=honor,
        source=_text(raw.get("source"), path, where, "source"),
        last_checked=_date(raw.get("last_checked"), path, where, "last_checked"),
        translations=translations,
        where=only,
        except_=never,
        not_here=not_here,
        message_past=_text(raw.get("message_past"), path, where, "message_past", required=False),
        why_past=_text(raw.get("why_past"), path, where, "why_past", required=False),
    )
    for name in _TEXTS[1:]:
        _check_template(getattr(rule, name), path, where, name)
    for lang, texts in translations.items():
        for name, template in texts.items():
            _check_template(template, path, where, f"translations.{lang}.{name}")
    return rule


def parse_pack(text: str, path: str = "<pack>") -> RulePack:
    """Read and check one pack; a mistake is one sentence naming the file and the rule."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulePackError(
            _("Rule pack {file} is not valid TOML: {problem}.").format(
                file=Path(path).name, problem=exc
            )
        ) from exc
    if raw.get("schema") != PACK_SCHEMA:
        raise _fail(path, _("top"), _("'schema' must be {schema}").format(schema=PACK_SCHEMA))
    program = raw.get("program")
    if not isinstance(program, dict):
        raise _fail(path, _("top"), _("a [program] table is required"))
    program_id = program.get("id")
    if not isinstance(program_id, str) or not _PROGRAM_ID.match(program_id):
        raise _fail(path, "[program]", _("'id' must be lower case letters, digits and hyphens"))
    policy = raw.get("policy", [])
    rules_raw = raw.get("rules")
    if not isinstance(policy, list):
        raise _fail(path, _("top"), _("'policy' must be a list of [[policy]] tables"))
    if not isinstance(rules_raw, list) or not rules_raw:
        raise _fail(path, _("top"), _("a pack needs at least one [[rules]] table"))
    kinds: set[str] = set()
    rules = []
    for index, item in enumerate(rules_raw):
        rule = _rule(item, program_id, path, index, kinds)
        kinds.add(rule.kind)
        rules.append(rule)
    entries = tuple(sorted((_policy(p, path, i) for i, p in enumerate(policy)), key=lambda e: e.on))
    checks = [e.last_checked for e in entries if e.last_checked is not None]
    checks += [r.last_checked for r in rules if r.last_checked is not None]
    last_checked = _date(program.get("last_checked"), path, "[program]", "last_checked", False)
    last_checked = last_checked or (min(checks) if checks else None)
    review_by = _date(program.get("review_by"), path, "[program]", "review_by", False)
    if review_by is None and last_checked is not None:
        review_by = last_checked + timedelta(days=REVIEW_DAYS)
    return RulePack(
        program=program_id,
        title=_text(program.get("title"), path, "[program]", "title"),
        description=_text(program.get("description"), path, "[program]", "description", False),
        caution=_text(program.get("caution"), path, "[program]", "caution", False),
        policy=entries,
        rules=tuple(rules),
        path=path,
        released=_date(program.get("released"), path, "[program]", "released", False),
        last_checked=last_checked,
        review_by=review_by,
        translations=_translations(
            program.get("translations"), ("title", "description", "caution"), path, "[program]"
        ),
    )


_pack_cache: dict[tuple[str, int, int], tuple[RulePack, str]] = {}


def load_pack(path: Path) -> tuple[RulePack, str]:
    """A pack file and the SHA-256 of its bytes; cached while the file is unchanged."""
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    found = _pack_cache.get(key)
    if found is None:
        data = path.read_bytes()
        found = (parse_pack(data.decode("utf-8"), str(path)), hashlib.sha256(data).hexdigest())
        _pack_cache[key] = found
    return found


def load_packs(paths: Iterable[Path] | None = None) -> tuple[dict[str, RulePack], str]:
    """Every pack by program id, and one digest of all their bytes."""
    packs: dict[str, RulePack] = {}
    digest = hashlib.sha256()
    seen_ids: dict[str, str] = {}
    for path in shipped_pack_files() if paths is None else paths:
        pack, sha = load_pack(Path(path))
        if pack.program in packs:
            raise _fail(
                str(path),
                "[program]",
                _("program '{program}' has two packs").format(program=pack.program),
            )
        for rule in pack.rules:
            if rule.id in seen_ids:
                raise _fail(
                    str(path),
                    _("rule {rule_id}").format(rule_id=rule.id),
                    _("the id is also used in {file}").format(file=seen_ids[rule.id]),
                )
            seen_ids[rule.id] = Path(path).name
        packs[pack.program] = pack
        digest.update(sha.encode())
    if FALLBACK_PROGRAM not in packs:
        raise RulePackError(
            _("The rule pack '{program}' is missing; reinstall the app.").format(
                program=FALLBACK_PROGRAM
            )
        )
    return packs, digest.hexdigest()


def _unknown_fields(unknown: list[str]) -> str:
    return ngettext("unknown field {fields}", "unknown fields {fields}", len(unknown)).format(
        fields=", ".join(unknown)
    )
