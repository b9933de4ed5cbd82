"""Usage errors as one line, record verbs' short forms (`client 12`), flags named in field errors."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

from clinic_app.errors import ClinicError, UserError, ValidationError
from clinic_app.i18n import N_, _


class UsageError(ClinicError):
    """The command line itself is wrong (unknown flag, missing argument): exit 2."""

    exit_code = 2


class Parser(argparse.ArgumentParser):
    """argparse with its errors raised as one sentence and a --help hint, never a usage block."""

    # The innermost command parsed so far: argparse reports a subcommand's unknown flag from
    # the main parser, and the hint should name the subcommand's --help.
    innermost = ""

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        Parser.innermost = self.prog
        return super().parse_known_args(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        # "invalid choice: 'x' (choose from 'init', 'demo', …)" lists every command on one
        # enormous line; --help lists them readably.
        message = message.split(" (choose from ", 1)[0]
        prog = Parser.innermost or self.prog
        raise UsageError(
            _("{prog}: {message}; run '{prog} --help' for the options.").format(
                prog=prog, message=_argparse_sentence(message)
            )
        )


# argparse's own sentences (it has no catalog of ours): each in the person's language, its
# flags and values kept as typed.
_ARGPARSE = (
    (re.compile(r"the following arguments are required: (?P<a>.+)"),
     N_("the following arguments are required: {a}")),
    (re.compile(r"unrecognized arguments: (?P<a>.+)"), N_("unrecognized arguments: {a}")),
    (re.compile(r"one of the arguments (?P<a>.+) is required"),
     N_("one of the arguments {a} is required")),
    (re.compile(r"argument (?P<a>\S+): expected one argument"),
     N_("argument {a}: expected one argument")),
    (re.compile(r"argument (?P<a>\S+): invalid choice: (?P<b>.+)"),
     N_("argument {a}: invalid choice: {b}")),
    (re.compile(r"argument (?P<a>\S+): invalid \w+ value: (?P<b>.+)"),
     N_("argument {a}: invalid value: {b}")),
    (re.compile(r"argument (?P<a>\S+): not allowed with argument (?P<b>.+)"),
     N_("argument {a}: not allowed with argument {b}")),
    # A value given to a flag that takes none (`--json=1`).
    (re.compile(r"argument (?P<a>\S+): ignored explicit argument (?P<b>.+)"),
     N_("argument {a}: ignored explicit argument {b}")),
    (re.compile(r"argument (?P<a>\S+): expected at most one argument"),
     N_("argument {a}: expected at most one argument")),
    (re.compile(r"argument (?P<a>\S+): expected at least one argument"),
     N_("argument {a}: expected at least one argument")),
    # A shortened flag that fits several (`--a` for --as and --assignee).
    (re.compile(r"ambiguous option: (?P<a>\S+) could match (?P<b>.+)"),
     N_("ambiguous option: {a} could match {b}")),
)  # fmt: skip


# The words argparse frames every --help with. Its own gettext domain has no Spanish, so these
# few go through our catalog; its error sentences stay English here, for Parser.error to match.
_HELP_WORDS = frozenset(
    {
        N_("usage: "),
        N_("positional arguments"),
        N_("options"),
        N_("show this help message and exit"),
    }
)


def _argparse_gettext(message: str) -> str:
    return _(message) if message in _HELP_WORDS else message


# argparse looks its `_` up when it builds a parser or writes a help screen: the language set
# by then (main() sets it from --lang before building the parsers) is the one shown.
setattr(argparse, "_", _argparse_gettext)  # noqa: B010


def _argparse_sentence(message: str) -> str:
    for pattern, sentence in _ARGPARSE:
        found = pattern.fullmatch(message)
        if found:
            return _(sentence).format(**found.groupdict())
    return message


# Options of the main parser that take a value: the word after them is not a command.
VALUE_OPTIONS = frozenset(
    {"--vault", "--as", "--server", "--user", "--screenshot", "--size", "--lang"}
)
# Record nouns whose first word may be an id or a name: `client 12` is `client show 12`.
SHOW_DEFAULT = {
    "client": ("add", "edit", "show"),
    "matter": ("add", "edit", "show", "restrict"),
}


def expand_shorthand(argv: Sequence[str]) -> list[str]:
    """`client 12 --json` -> `client show 12 --json`; every other command line is unchanged."""
    words = list(argv)
    command_at = _first_positional(words, 0)
    if command_at is None or words[command_at] not in SHOW_DEFAULT:
        return words
    actions = SHOW_DEFAULT[words[command_at]]
    target = _first_positional(words, command_at + 1)
    if target is None or words[target] in actions:
        return words
    return [*words[:target], "show", *words[target:]]


def _first_positional(words: list[str], start: int) -> int | None:
    skip = False
    for index in range(start, len(words)):
        word = words[index]
        if skip:
            skip = False
        elif word == "--":
            return index + 1 if index + 1 < len(words) else None
        elif word.startswith("-") and not _is_negative_number(word):
            skip = word in VALUE_OPTIONS
        else:
            return index
    return None


def _is_negative_number(word: str) -> bool:
    return word[1:].isdigit()


@contextmanager
def flags_for(fields: Mapping[str, str]) -> Iterator[None]:
    """Name the command's flag in a field error ("--dob: …"), the words a script author typed."""
    try:
        yield
    except ValidationError as exc:
        flag = fields.get(exc.field) or next(
            (
                f
                for name, f in fields.items()
                if name.startswith("*") and exc.field.endswith(name[1:])
            ),
            None,
        )
        if flag is None:
            raise
        raise UserError(_("{flag}: {problem}").format(flag=flag, problem=exc.problem)) from exc


# --if-version's help, per kind of record (a sentence each: the record's word differs in gender).
_IF_VERSION_HELP = {
    "client": N_(
        'save only if the client is still at this version (its "version" in --json); '
        "otherwise exit 1 and change nothing"
    ),
    "matter": N_(
        'save only if the matter is still at this version (its "version" in --json); '
        "otherwise exit 1 and change nothing"
    ),
}


def if_version_flag(parser: argparse.ArgumentParser, kind: str) -> None:
    """--if-version: a script that read a record (its "version" in --json) saves only if no one
    changed it since; without it the edit reads and writes in one transaction."""
    parser.add_argument("--if-version", type=int, metavar="N", help=_(_IF_VERSION_HELP[kind]))
