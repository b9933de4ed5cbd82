"""Commands of the conflict check: check a person or employer, review referrals, record parties."""

from __future__ import annotations

import argparse
from typing import Any

from clinic_app.cli import context
from clinic_app.cli.output import print_json, print_table
from clinic_app.conflicts.check import ConflictMatch
from clinic_app.errors import UserError
from clinic_app.i18n import N_, _
from clinic_app.services import conflicts

KIND_WORDS = {
    "same_person": N_("may be the same"),
    "adverse_party": N_("ADVERSE PARTY"),
    "employer": N_("EMPLOYER"),
}
# The kind of record a match names, as a word in the person's language.
RECORD_WORDS = {"client": N_("client"), "employer": N_("employer"), "party": N_("party")}


def _record_word(kind: str) -> str:
    return _(RECORD_WORDS[kind]) if kind in RECORD_WORDS else kind


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    group = sub.add_parser(
        "conflicts",
        parents=[common],
        help=_("conflict check: the same person or an adverse party under any spelling"),
    )
    verbs = group.add_subparsers(dest="verb", metavar="VERB", required=True)

    p = verbs.add_parser(
        "check",
        parents=[common],
        help=_("find clients, adverse parties and employers matching a person (or an employer)"),
        description=_(
            "Matches come best first, each with a score (0-100) and the reasons in words. "
            "Give --employer alone to check a new employer against the clients."
        ),
    )
    p.add_argument("--first-name", default="")
    p.add_argument("--last-name", default="")
    p.add_argument("--dob", metavar="DATE", help=_("date of birth (YYYY-MM-DD or MM/DD/YYYY)"))
    p.add_argument(
        "--a-number", metavar="A-NUMBER", help=_("in any spelling (A-123-456-789, 123456789)")
    )
    p.add_argument("--phone", default="")
    p.add_argument(
        "--employer",
        default="",
        metavar="NAME",
        help=_("the employer the person's case is against"),
    )
    p.add_argument(
        "--as-party",
        action="store_true",
        help=_("the person is on the employer's side (an owner, manager or supervisor)"),
    )
    p.add_argument(
        "--refer",
        action="store_true",
        help=_("record this check and send it to an attorney (listed by 'conflicts review')"),
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_check)

    p = verbs.add_parser(
        "review", parents=[common], help=_("the checks sent to an attorney and not yet decided")
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_review)

    p = verbs.add_parser(
        "resolve", parents=[common], help=_("an attorney's decision on a check sent for review")
    )
    p.add_argument("check_id", type=int, metavar="ID")
    outcome = p.add_mutually_exclusive_group(required=True)
    outcome.add_argument("--cleared", action="store_const", const="cleared", dest="outcome")
    outcome.add_argument("--conflict", action="store_const", const="conflict", dest="outcome")
    p.add_argument("--note", default="")
    p.set_defaults(func=cmd_resolve)

    p = sub.add_parser(
        "party",
        parents=[common],
        help=_("record an owner, manager, supervisor or other adverse party of an employer"),
    )
    party_verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    add = party_verbs.add_parser(
        "add", parents=[common], help=_("add a party (checked against the clients)")
    )
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", choices=conflicts.PARTY_ROLES, default="adverse")
    add.add_argument("--employer", type=int, metavar="ID")
    add.add_argument(
        "--dispute", type=int, metavar="ID", help=_("the labor dispute they are named on")
    )
    add.add_argument("--phone", default="")
    add.add_argument("--json", action="store_true")
    add.set_defaults(func=cmd_party_add)

    p = sub.add_parser(
        "parties", parents=[common], help=_("list the parties on the employers' side")
    )
    p.add_argument("--employer", type=int, metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_parties)


def _print_matches(matches: list[ConflictMatch], empty: str) -> None:
    if not matches:
        print(empty)
        return
    # The kinds' column is as wide as its longest word in the person's language (16 in English).
    width = max(16, *(len(_(word)) + 1 for word in KIND_WORDS.values()))
    for m in matches:
        kind = _(KIND_WORDS[m.kind])
        record = f"{_record_word(m.record_kind)} {m.record_id}"
        print(f"{m.score:>3}  {kind:<{width}} {record}: {m.name}")
        print(f"     {'; '.join(m.reasons)}")


def cmd_check(args: argparse.Namespace) -> int:
    person_given = args.first_name.strip() or args.last_name.strip() or args.a_number
    if not person_given and not args.employer.strip():
        raise UserError(
            _(
                "Give the person to check with --first-name and --last-name (or --a-number), or an employer with --employer."
            )
        )
    with context.open_store(args) as vault:
        query: dict[str, Any]
        if person_given:
            person = conflicts.person_query(
                first_name=args.first_name,
                last_name=args.last_name,
                date_of_birth=args.dob,
                a_number=args.a_number,
                phone=args.phone,
            )
            matches = conflicts.check_person(
                vault, person, employer=args.employer, as_party=args.as_party
            )
            query = person.as_json() | {"employer": args.employer.strip()}
            subject = "party" if args.as_party else "client"
        else:
            matches = conflicts.check_employer(vault, name=args.employer)
            query = {"employer": args.employer.strip()}
            subject = "employer"
        check_id = None
        if args.refer:
            check_id = conflicts.record_decision(
                vault,
                subject_kind=subject,
                decision="refer_attorney",
                matches=matches,
                query=query,
            ).record
    if args.json:
        print_json([m.as_json() for m in matches])
        return 0
    _print_matches(
        matches, _("No possible match: no client, adverse party or employer is like this.")
    )
    if check_id is not None:
        print(
            _(
                "Sent to an attorney as conflict check {check_id} ('clinic-app conflicts review')."
            ).format(check_id=check_id)
        )
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    with context.open_store(args) as vault:
        items = conflicts.pending_reviews(vault)
    if args.json:
        print_json([item.as_json() for item in items])
        return 0

    def who(query: dict[str, Any]) -> str:
        name = " ".join(str(query.get(k) or "") for k in ("first_name", "last_name")).strip()
        return name or str(query.get("employer", ""))

    print_table(
        [_("ID"), _("Checked"), _("By"), _("For"), _("Name"), _("Candidates")],
        [
            (
                i.id,
                i.checked_at.date(),
                i.checked_by,
                f"{_record_word(i.subject_kind)} {i.subject_id or ''}".strip(),
                who(i.query),
                ", ".join(
                    f"{_record_word(c['record_kind'])} {c['record_id']} ({c['kind']}, {c['score']})"
                    for c in i.candidates
                )
                or _("none"),
            )
            for i in items
        ],
        _("No conflict check is waiting for an attorney."),
    )
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    with context.open_store(args) as vault:
        conflicts.review(vault, check_id=args.check_id, outcome=args.outcome, note=args.note)
    print(
        _("Conflict check {check_id}: {outcome}.").format(
            check_id=args.check_id, outcome=args.outcome
        )
    )
    return 0


def cmd_party_add(args: argparse.Namespace) -> int:
    if args.employer is None and args.dispute is None:
        raise UserError(_("Name the employer with --employer ID or the dispute with --dispute ID."))
    with context.open_store(args) as vault:
        record = conflicts.add_party(
            vault,
            name=args.name,
            role=args.role,
            employer_id=args.employer,
            dispute_id=args.dispute,
            phone=args.phone,
        ).record
        matches = conflicts.check_party(vault, name=args.name, phone=args.phone)
    if args.json:
        print_json(
            {
                "id": record.id,
                "name": record.name,
                "role": record.role,
                "employer_id": record.employer_id,
                "dispute_id": record.dispute_id,
                "conflicts": [m.as_json() for m in matches],
            }
        )
        return 0
    print(_("Added party {id} ({role}).").format(id=record.id, role=record.role))
    if matches:
        print(_("Possible conflict: clients who may be this party:"))
        _print_matches(matches, "")
    return 0


def cmd_parties(args: argparse.Namespace) -> int:
    with context.open_store(args) as vault:
        rows = conflicts.list_parties(vault, employer_id=args.employer)
    if args.json:
        print_json(
            [
                {
                    "id": r.id,
                    "name": r.name,
                    "role": r.role,
                    "employer_id": r.employer_id,
                    "dispute_id": r.dispute_id,
                    "phone": r.phone,
                }
                for r in rows
            ]
        )
        return 0
    print_table(
        [_("ID"), _("Name"), _("Role"), _("Employer"), _("Dispute")],
        [(r.id, r.name, r.role, r.employer_id, r.dispute_id) for r in rows],
        _(
            "No parties recorded: add one with 'clinic-app party add NAME --employer ID --role manager'."
        ),
    )
    return 0
