"""What the desktop prints about a bug: where it happened, never the error's own text."""

from __future__ import annotations

import sys
import threading
import traceback
from types import TracebackType

from clinic_app.i18n import _

# The desktop's stderr often ends in a session log on disk (the journal, ~/.xsession-errors),
# and an error's text can quote what a person typed about a client (a name in a KeyError, a
# value in a database error's detail): the type and the code's lines say enough for a report.


def describe(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> str:
    """The lines printed for an unexpected error: its kind (and each cause's) and the frames."""
    lines = [
        _("clinic-app: unexpected error ({kind}); nothing more was changed.").format(
            kind=kind.__name__
        )
    ]
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.extract_tb(current.__traceback__ if current is not error else tb)
        lines.append(f"{type(current).__name__}, raised at:")
        lines += [f"  {f.filename}:{f.lineno} in {f.name}" for f in frames]
        current = current.__cause__ or current.__context__
    return "\n".join(lines) + "\n"


def _print(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    sys.stderr.write(describe(kind, error, tb))


def _print_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        _print(args.exc_type, args.exc_value, args.exc_traceback)


def install() -> None:
    """Errors no code caught (a slot's, a thread's) are printed without their text."""
    sys.excepthook = _print
    threading.excepthook = _print_thread
