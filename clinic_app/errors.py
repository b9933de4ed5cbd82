"""Errors a person can cause, each carrying one clear sentence and a CLI exit code."""

from __future__ import annotations

from clinic_app.i18n import _


class ClinicError(Exception):
    """Base of every error the app reports to a person as one sentence."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UserError(ClinicError):
    """Bad input or a request that cannot be carried out; nothing was changed."""


class ValidationError(UserError):
    """A field value is not acceptable."""

    def __init__(self, field: str, problem: str, *, label: str | None = None) -> None:
        # `field` stays the code's (English) name, which the CLI maps to its flag and the desktop
        # to its widget; `label` is the field as the person's screen names it, by default the
        # field's own name in their language (clinic_app/domain/field_names.py lists them).
        super().__init__(_("{field}: {problem}").format(field=label or _(field), problem=problem))
        self.field = field
        self.problem = problem


class NotFoundError(UserError):
    """A record asked for by id does not exist."""


class ConflictError(UserError):
    """Someone else changed the record since it was loaded; nothing was saved."""

    def __init__(self, message: str, *, kind: str, record_id: int) -> None:
        super().__init__(message)
        self.kind = kind
        self.record_id = record_id


class VaultError(ClinicError):
    """The vault cannot be used as asked (missing, already exists, busy)."""


class ServerError(VaultError):
    """The clinic server cannot be reached or refused the work; nothing was changed."""


class SessionEnded(ServerError):
    """The clinic server ended this session: the person's password was changed elsewhere or
    reset by an admin (`reason` "password"), or their account was disabled ("disabled")."""

    exit_code = 3  # like a refused login: the same command with the right password works

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class VaultLockedError(VaultError):
    """Another process has the vault open."""


class UnlockError(ClinicError):
    """Wrong passphrase or recovery code, or a vault that cannot be read."""

    exit_code = 3


class DamagedError(ClinicError):
    """The vault or a backup has been damaged or tampered with."""

    exit_code = 3
