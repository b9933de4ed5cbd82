"""Entry point of `clinic-app`: parses arguments, runs one command, maps errors to exit codes.

Exit codes: 0 success; 1 a user error (bad input, failed check); 2 usage; 3 wrong passphrase
or unreadable vault. Every error is one line on stderr, never a traceback (unless --debug).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any

from clinic_app.cli import gui
from clinic_app.cli.usage import Parser, UsageError, _first_positional, expand_shorthand
from clinic_app.errors import ClinicError
from clinic_app.i18n import LANGUAGES, _, set_language
from clinic_app.os_errors import refused_sentence

# Each module adds its subcommands; features add their module here. They load only when a
# command line may name a command: `clinic-app` alone starts the app without them (and without
# the database code they pull in), so the unlock screen shows sooner.
COMMAND_MODULES = [
    "vault_commands",
    "record_commands",
    "client_commands",
    "matter_commands",
    "employer_commands",
    "document_commands",
    "deadline_commands",
    "backup_commands",
    "conflict_commands",
    "shell",
    "today_commands",
    "server_commands",
]


def _common_options(suppress: bool) -> argparse.ArgumentParser:
    """Options accepted before or after the subcommand (the subcommand's copy never resets them)."""
    default = argparse.SUPPRESS if suppress else None
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--vault",
        metavar="DIR",
        default=default,
        help=_("vault folder (else $CLINIC_APP_VAULT, else the user data folder)"),
    )
    common.add_argument(
        "--passphrase-stdin",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help=_(
            "read the passphrase (and any other secret asked for) from standard input, one per line"
        ),
    )
    common.add_argument(
        "--as",
        dest="actor",
        metavar="NAME",
        default=default,
        help=_("who the audit log names (else $CLINIC_APP_USER, else the login name)"),
    )
    common.add_argument(
        "--server",
        metavar="URL",
        default=default,
        help=_(
            "work on the clinic server at postgresql://HOST:PORT/DB?sslrootcert=CA-FILE "
            "instead of a vault (else $CLINIC_APP_SERVER)"
        ),
    )
    common.add_argument(
        "--user",
        metavar="NAME",
        default=default,
        help=_("your clinic server account (else $CLINIC_APP_USER, else the login name)"),
    )
    common.add_argument(
        "--password-stdin",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help=_(
            "read the clinic server password from standard input (else $CLINIC_APP_PASSWORD, "
            "else a prompt)"
        ),
    )
    common.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help=_("show a full traceback on errors"),
    )
    return common


def _app_parser() -> argparse.ArgumentParser:
    """The options of `clinic-app` with no command (starting the app, or its screenshots)."""
    parser = Parser(
        prog="clinic-app",
        parents=[_common_options(suppress=False)],
        description=_(
            "Offline, encrypted case manager for clinics filing labor-based deferred action. "
            "With no command, starts the desktop app."
        ),
        epilog=_(
            "Passphrase: $CLINIC_APP_PASSPHRASE, else --passphrase-stdin, else a prompt. "
            "Exit codes: 0 ok, 1 user error or failed check, 2 usage, 3 wrong passphrase or unreadable vault."
        ),
    )
    parser.add_argument("--version", action=_Version)
    parser.add_argument(
        "--screenshot",
        metavar="DIR",
        help=_("render the app's windows offscreen to PNG files in DIR, then exit"),
    )
    parser.add_argument(
        "--size", metavar="WxH", help=_("window size for --screenshot (default 1366x768)")
    )
    parser.add_argument(
        "--lang",
        dest="ui_lang",
        metavar="LANG",
        default=None,
        help=_(
            "language of the screens and of plain output: {choices} (else $CLINIC_APP_LANG; "
            "the desktop else remembers its own choice)"
        ).format(choices=_(" or ").join(LANGUAGES)),
    )
    parser.add_argument(
        "--real-data",
        action="store_true",
        help=_(
            "let --screenshot picture a vault that is not a demo vault (the PNGs are not encrypted)"
        ),
    )
    return parser


class _Version(argparse.Action):
    """--version: the version is read only when asked for (reading it loads the package
    metadata machinery, which the desktop app's start does not need)."""

    def __init__(self, option_strings: list[str], dest: str, **_kwargs: Any) -> None:
        super().__init__(
            option_strings,
            dest=argparse.SUPPRESS,
            default=argparse.SUPPRESS,
            nargs=0,
            help=_("show program's version number and exit"),
        )

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any, **_kwargs: Any) -> None:
        import clinic_app

        print(f"clinic-app {clinic_app.__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = _app_parser()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = _common_options(suppress=True)
    for name in COMMAND_MODULES:
        importlib.import_module(f"clinic_app.cli.{name}").register(sub, common)
    importlib.import_module("clinic_app.cli.help_env").describe_all(sub)
    return parser


def starts_app(words: Sequence[str]) -> bool:
    """Whether the command line names no command and asks for no help: the desktop app."""
    asks = {"-h", "--help", "--version"}
    return _first_positional(list(words), 0) is None and not asks.intersection(words)


def _early_language(words: Sequence[str]) -> None:
    """Set the language the command line asks for before parsing it, so that a usage error is
    in that language too (an unknown language is refused after parsing)."""
    lang = os.environ.get("CLINIC_APP_LANG")
    command_at = _first_positional(list(words), 0)
    # Only the app's own --lang, before the command: after it, --lang is a command's (the
    # language of a template or of the documents to render), not the language to speak.
    before = words if command_at is None else words[:command_at]
    for i, word in enumerate(before):
        if word == "--lang" and i + 1 < len(before):
            lang = words[i + 1]
        elif word.startswith("--lang="):
            lang = word.split("=", 1)[1]
    if lang in LANGUAGES:
        set_language(lang)


def main(argv: Sequence[str] | None = None) -> int:
    words = expand_shorthand(sys.argv[1:] if argv is None else argv)
    _early_language(words)
    try:
        if starts_app(words):
            args = _app_parser().parse_args(words)
            args.command = None
        else:
            args = build_parser().parse_args(words)
    except UsageError as exc:
        print(exc.message, file=sys.stderr)
        return exc.exit_code
    lang = args.ui_lang or os.environ.get("CLINIC_APP_LANG") or None
    if lang is not None and lang not in LANGUAGES:
        print(
            _(
                "clinic-app: --lang {lang} is not a language of the app; use one of: {choices}."
            ).format(lang=lang, choices=", ".join(LANGUAGES)),
            file=sys.stderr,
        )
        return 2
    args.ui_lang = lang
    set_language(lang)  # English unless asked, whatever a command's own --lang said
    return run(args)


def run(args: argparse.Namespace, where: str = "") -> int:
    """Run one parsed command; errors become one line on stderr (`where` says which line of a
    shell script) and an exit code."""
    try:
        if args.command is None:
            if args.screenshot:
                return gui.take_screenshots(args, args.screenshot)
            return gui.launch(args)
        result: int = args.func(args)
        return result
    except ClinicError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"clinic-app: {where}{exc.message}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error worth a message.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print(_("clinic-app: interrupted; nothing more was changed."), file=sys.stderr)
        return 130
    except OSError as exc:  # the system refused a read or write no code expected: say why
        if args.debug:
            traceback.print_exc()
        print(f"clinic-app: {where}{refused_sentence(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug: still one line, with the way to see more
        if args.debug:
            traceback.print_exc()
        else:
            print(
                _(
                    "clinic-app: {where}unexpected error ({kind}); run again with --debug for "
                    "details."
                ).format(where=where, kind=type(exc).__name__),
                file=sys.stderr,
            )
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
