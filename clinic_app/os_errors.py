"""Plain sentences, in the person's language, for what the operating system refused to do."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from clinic_app.i18n import _

# Working files the app makes for a moment: an error naming one of them names the wrong thing.
_WORKING_PREFIXES = (".tmp-", ".backup-", ".restore-", ".verify-", ".drill-")


def _named(exc: OSError, where: Path | str | None) -> str:
    """The path the sentence should name: the caller's, unless the error points at a more precise
    one the person chose (the OS names the file it tried, e.g. a folder given as a file)."""
    for candidate in (exc.filename2, exc.filename):
        if candidate is None or isinstance(candidate, int):
            continue
        text = os.fsdecode(candidate)
        name = Path(text).name
        if name.startswith(_WORKING_PREFIXES) or name.endswith(".partial"):
            continue
        if where is None or exc.errno in (errno.EISDIR, errno.ENAMETOOLONG, errno.ENOTDIR):
            return text
    return os.fsdecode(where) if where is not None else ""


def _is_file_above(found: object, where: Path | str) -> bool:
    """Whether `found` (the path the OS names) is a file standing where a folder of `where`
    should be: `mkdir(parents=True, exist_ok=True)` says EEXIST for that."""
    if not isinstance(found, str | bytes | os.PathLike):
        return False
    above = Path(os.fsdecode(found))
    return above in Path(os.fsdecode(where)).parents and not above.is_dir()


def _parent_is_there(named: str) -> bool:
    path = Path(named)
    return not path.exists() and path.parent.is_dir()


def _problem(code: int | None, where: str, reading: bool) -> str | None:
    """The clause for a known cause, naming the remedy; None when the cause is not one of them."""
    if code in (errno.ENOSPC, errno.EDQUOT):
        return _("The disk holding {where} is full; free some space on it and try again")
    if code in (errno.EACCES, errno.EPERM):
        if reading:
            return _(
                "You are not allowed to read {where}; ask whoever manages this computer for "
                "access, or copy the file somewhere you can read it, and try again"
            )
        return _(
            "You are not allowed to write to {where}; choose a folder of your own, or ask "
            "whoever manages this computer for access, and try again"
        )
    if code == errno.EROFS:
        return _("{where} is on a read-only disk; choose a folder on another disk and try again")
    if code == errno.ENOENT:
        if reading:
            return _("{where} does not exist; check the name and the folder and try again")
        return _(
            "{where} cannot be saved because a folder on its path does not exist; check the "
            "path, or create the folder first, and try again"
        )
    if code == errno.ENOTDIR:
        return _(
            "{where} cannot be used because part of its path is a file, not a folder; check "
            "the path and try again"
        )
    if code == errno.EISDIR:
        return _("{where} is a folder, not a file; give a file name and try again")
    if code == errno.ENAMETOOLONG:
        return _("The name {where} is too long for the disk; choose a shorter name and try again")
    if code in (errno.EBUSY, errno.ETXTBSY):
        return _("{where} is in use by another program; close that program and try again")
    if code == errno.EEXIST:
        return _("{where} already exists; choose another name and try again")
    if code == errno.EIO:
        return _(
            "The disk holding {where} could not be read or written; check the disk (or "
            "reconnect the USB drive) and try again"
        )
    if code in (errno.ENODEV, errno.ENXIO, errno.ESTALE):
        return _("The disk holding {where} is not available; reconnect it and try again")
    return None


def os_error_sentence(
    exc: OSError, where: Path | str | None = None, *, reading: bool = False, unchanged: bool = False
) -> str:
    """One sentence for a refused read or write of `where`: the cause and the remedy in plain
    words; the system's own text only, in parentheses, when the cause is not a known one.
    `unchanged` adds that nothing was changed (for a write that was undone whole)."""
    named = _named(exc, where)
    code = exc.errno
    if code == errno.EEXIST and where is not None and _is_file_above(exc.filename, where):
        code = errno.ENOTDIR  # making the folders of `where` met a file on the way
    if code == errno.ENOENT and not reading and named and _parent_is_there(named):
        # The folder is there, yet creating in it says "no such file": a place such as /proc
        # that takes no new files.
        problem: str | None = _(
            "{where} cannot be created in that folder; choose another folder and try again"
        )
    else:
        problem = _problem(code, named, reading) if named else None
    if problem is not None:
        clause = problem.format(where=named)
    elif reading:
        clause = _("Could not read {where} ({reason})").format(
            where=named or _("a file"), reason=exc.strerror or type(exc).__name__
        )
    else:
        clause = _("Could not write to {where} ({reason})").format(
            where=named or _("a file"), reason=exc.strerror or type(exc).__name__
        )
    if unchanged:
        return _("{problem} (nothing was changed).").format(problem=clause)
    return _("{problem}.").format(problem=clause)


def read_error_sentence(exc: OSError, where: Path | str) -> str:
    """One sentence for a file the app could not read."""
    return os_error_sentence(exc, where, reading=True)


def refused_sentence(exc: OSError) -> str:
    """For an OSError no code expected (the CLI's and the desktop's last resort): the known
    cause when the error names a path, else what the system said, in parentheses."""
    named = _named(exc, None)
    if named and _problem(exc.errno, named, False) is not None:
        return os_error_sentence(exc, named)
    return _("The computer refused to finish this ({reason}); nothing more was changed.").format(
        reason=exc.strerror or type(exc).__name__
    )
