"""`clinic-app shell`: one unlock, then many commands, one per line, from a script or a prompt."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Iterator

from clinic_app.cli import context, secrets
from clinic_app.cli.usage import UsageError, expand_shorthand
from clinic_app.i18n import N_, _
from clinic_app.store.base import Store

SHELL_HELP = N_(
    "Unlocks the vault once, then runs commands one per line, written as on the command line "
    "without 'clinic-app' ('#' starts a comment; 'exit' or the end of input ends the shell). "
    "Commands come from standard input (a script: clinic-app shell < commands.txt) or, at a "
    "terminal, from a prompt. In a script the first failing line stops the shell with that "
    "line's exit code and its line number in the error, and nothing after it runs; "
    "--keep-going runs every line and exits 1 if any failed. At a prompt an error is reported "
    "and the next command is read. The passphrase comes as for any command "
    "($CLINIC_APP_PASSPHRASE, else the first line of standard input with --passphrase-stdin, "
    "else a prompt). init, demo, passwd, recover, restore and the desktop app run on their own."
)
# Commands that create, re-key or replace a vault, or start the desktop app: not one of many.
ON_THEIR_OWN = frozenset({"init", "demo", "passwd", "recover", "restore", "shell"})
PROMPT = "clinic-app> "


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "shell",
        parents=[common],
        help=_("unlock once, then run many commands (one per line)"),
        description=_(SHELL_HELP),
    )
    p.add_argument(
        "--keep-going",
        action="store_true",
        help=_("in a script, run every line even after one fails (then exit 1)"),
    )
    p.set_defaults(func=cmd_shell)


def _lines(interactive: bool) -> Iterator[str]:
    while True:
        if interactive:
            try:
                yield input(PROMPT)
            except EOFError:
                print()
                return
        else:
            line = sys.stdin.readline()
            if not line:
                return
            yield line


def cmd_shell(args: argparse.Namespace) -> int:
    interactive = sys.stdin.isatty()
    vault: Store
    if context.server(args) is not None:  # one login for every command of the shell
        vault = context.open_store(args)
    else:
        passphrase = secrets.vault_passphrase(args)
        vault = context.open_vault_with(args, passphrase)
        secrets.remember(passphrase)
    context.keep_open(vault)
    from clinic_app.cli.main import build_parser

    parser = build_parser()
    failed = 0
    try:
        for number, line in enumerate(_lines(interactive), start=1):
            where = "" if interactive else _("line {n}: ").format(n=number)
            try:
                code = run_line(parser, line, where, args)
            except _Exit:
                break
            if code:
                failed = failed or code
                if not interactive and not args.keep_going:
                    return code
    finally:
        context.keep_open(None)
        secrets.remember(None)
        vault.close()
    if interactive:
        return 0
    return 1 if failed else 0


class _Exit(Exception):
    """An 'exit' or 'quit' line."""


def run_line(
    parser: argparse.ArgumentParser, line: str, where: str, shell_args: argparse.Namespace
) -> int:
    """Run one line as a command; returns its exit code (errors already reported)."""
    from clinic_app.cli.main import run

    try:
        words = shlex.split(line, comments=True)
    except ValueError as exc:
        return _fail(where, _("cannot read this line ({problem}).").format(problem=exc), 2)
    if words[:1] == ["clinic-app"]:
        words = words[1:]
    if not words:
        return 0
    if words[0] in ("exit", "quit") and len(words) == 1:
        raise _Exit
    # The shell's own options (--vault, --as, --debug) hold for every line unless it says otherwise.
    for name in ("vault", "actor", "debug"):
        value = getattr(shell_args, name, None)
        if value and name != "debug":
            words = [f"--{'as' if name == 'actor' else name}", str(value), *words]
    try:
        args = parser.parse_args(expand_shorthand(words))
    except UsageError as exc:
        return _fail(where, exc.message.removeprefix("clinic-app "), exc.exit_code)
    except SystemExit as exc:  # --help and --version print and "exit": the shell goes on
        return int(exc.code or 0)
    args.debug = args.debug or bool(getattr(shell_args, "debug", False))
    if args.command is None or args.command in ON_THEIR_OWN:
        return _fail(
            where,
            _("'{command}' runs on its own, outside the shell.").format(
                command=args.command or _("the desktop app")
            ),
            1,
        )
    if getattr(args, "backup_passphrase_stdin", False):
        return _fail(
            where,
            _(
                "--backup-passphrase-stdin cannot be used in the shell: standard input holds the commands."
            ),
            1,
        )
    return run(args, where)


def _fail(where: str, message: str, code: int) -> int:
    print(f"clinic-app: {where}{message}", file=sys.stderr)
    return code
