"""Staff accounts on the clinic server, for its admins: list, add, reset a password, disable, enable."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import text
from sqlalchemy.exc import DatabaseError as SADatabaseError

from clinic_app.errors import ClinicError, UserError
from clinic_app.i18n import N_, _
from clinic_app.store.base import Store as Store  # the type the Staff accounts tab holds
from clinic_app.store.pg_errors import translate_on
from clinic_app.store.postgres import PostgresStore

# psycopg and the server's account tools load on first use: Settings on a laptop vault (which
# builds this tab, hidden) never needs them.
if TYPE_CHECKING:
    from clinic_app.server.accounts import Person

T = TypeVar("T")

# The roles an account may have, in the words a person reads (the keys are the server's groups).
ROLE_LABELS = {
    "admin": N_("Clinic admin"),
    "attorney": N_("Attorney"),
    "paralegal": N_("Paralegal"),
    "volunteer": N_("Volunteer"),
}


@dataclass(frozen=True)
class Account:
    """One person's login on the clinic server, as the Staff accounts list shows it."""

    login: str
    name: str  # as on the staff list
    role: str  # a key of ROLE_LABELS
    active: bool  # whether it can sign in
    is_me: bool  # the account this session is signed in with


@dataclass(frozen=True)
class SignInChanged:
    """An account disabled or enabled: the account after it, whether anything changed, and
    how many of its open sessions ended (None: the server does not let admins end them)."""

    account: Account
    changed: bool
    ended: int | None


def can_manage(store: Store | None) -> bool:
    """Whether this session may manage accounts: signed in to the clinic server as an admin."""
    if not isinstance(store, PostgresStore) or not store.is_open:
        return False
    with store.reader() as session:
        return session.connection().execute(text("SELECT clinic_role()")).scalar() == "admin"


def list_accounts(store: Store) -> list[Account]:
    """Every account of the clinic, by account name."""
    import psycopg

    from clinic_app.server import accounts

    server = _server(store)
    with _said(server), server.reader() as session:
        raw = session.connection().connection.driver_connection
        assert isinstance(raw, psycopg.Connection)
        people = accounts.list_people(raw)
    return [_account(p, server.actor) for p in people]


def add_account(
    store: Store, *, login: str, name: str, role: str, password: str, repeat: str
) -> Account:
    """A new account in `role` with its staff-list row and its copy of the clinic file key, in
    one transaction (audited). Everything missing is named at once; nothing changes on error."""
    import psycopg

    from clinic_app.server import accounts

    server = _server(store)
    login, name = login.strip(), " ".join(name.split())
    missing = [
        what
        for what, value in (
            (_("the account name"), login),
            (_("the name on the staff list"), name),
            (_("the role"), role if role in ROLE_LABELS else ""),
            (_("the first password"), password),
            (_("the password again"), repeat),
        )
        if not value
    ]
    if missing:
        raise UserError(_("Fill in {fields}.").format(fields=", ".join(missing)))
    if not accounts.LOGIN_RE.match(login) or login.startswith(("pg_", "clinic_")):
        raise UserError(
            _(
                "The account name '{login}' cannot be used: use lower-case letters, digits and "
                "underscores, starting with a letter (e.g. attorney1)."
            ).format(login=login)
        )
    _check_new_password(password, repeat)
    with _said(server), server.reader() as session:
        raw = session.connection().connection.driver_connection
        assert isinstance(raw, psycopg.Connection)
        if accounts.login_taken(raw, login):
            raise UserError(
                _(
                    "There is already an account named '{login}': choose another account name."
                ).format(login=login)
            )
        if accounts.staff_name_taken(raw, name, login):
            raise UserError(
                _(
                    "'{name}' is already on the staff list: type the name a little differently "
                    "(a middle initial, say) so the two can be told apart."
                ).format(name=name)
            )
    person = _run(
        server,
        lambda: accounts.enrol(
            server.engine,
            login=login,
            role=role,
            password=password,
            name=name,
            key_from=server.key_from(),
        ),
    )
    return _account(person, server.actor)


def reset_password(store: Store, *, login: str, password: str, repeat: str) -> int | None:
    """Give `login` a new password (their copy of the clinic file key is wrapped for it in the
    same transaction, audited) and end their open sessions: how many ended (None: the server
    does not let admins end them)."""
    from clinic_app.server import accounts

    server = _server(store)
    if login == server.actor:
        raise UserError(
            _(
                "That is your own account: change your password under Settings → General → "
                "Your password on the clinic server."
            )
        )
    missing = [
        what
        for what, value in ((_("the new password"), password), (_("the password again"), repeat))
        if not value
    ]
    if missing:
        raise UserError(_("Fill in {fields}.").format(fields=", ".join(missing)))
    _check_new_password(password, repeat)
    return _run(
        server,
        lambda: accounts.change_password(
            server.engine, login=login, new_password=password, key_from=server.key_from()
        ),
    )


def disable_account(store: Store, *, login: str) -> SignInChanged:
    """The person can no longer sign in and their open sessions end (audited); their records
    and history stay. An admin cannot disable their own account."""
    return _set_sign_in(store, login, allowed=False)


def enable_account(store: Store, *, login: str) -> SignInChanged:
    """A disabled person can sign in again, with the password they had (audited)."""
    return _set_sign_in(store, login, allowed=True)


def _set_sign_in(store: Store, login: str, *, allowed: bool) -> SignInChanged:
    from clinic_app.server import accounts

    server = _server(store)
    if not allowed and login == server.actor:
        raise UserError(
            _("You cannot disable your own account ({login}): another clinic admin can.").format(
                login=login
            )
        )
    change = _run(
        server,
        lambda: accounts.set_sign_in(
            server.engine, login=login, allowed=allowed, key_from=server.key_from()
        ),
    )
    return SignInChanged(_account(change.person, server.actor), change.changed, change.ended)


def _check_new_password(password: str, repeat: str) -> None:
    from clinic_app.server.accounts import MIN_PASSWORD

    if password != repeat:
        raise UserError(_("The two passwords differ; nothing was changed."))
    if len(password) < MIN_PASSWORD:
        raise UserError(
            _("The password is too short: use at least {n} characters.").format(n=MIN_PASSWORD)
        )


def _account(person: Person, me: str) -> Account:
    return Account(
        login=person.login,
        name=person.name,
        role=person.role,
        active=person.active,
        is_me=person.login == me,
    )


def _server(store: Store) -> PostgresStore:
    if not isinstance(store, PostgresStore):
        raise UserError(
            _("Staff accounts are the clinic server's; a vault on this computer has none.")
        )
    return store


def _run(server: PostgresStore, step: Callable[[], T]) -> T:
    with _said(server):
        return step()


@contextmanager
def _said(server: PostgresStore) -> Iterator[None]:
    """The server's refusals and failures as one sentence (the account changes run partly on
    the driver's own connection, whose errors SQLAlchemy never sees)."""
    import psycopg

    try:
        yield
    except ClinicError:
        raise
    except psycopg.errors.InsufficientPrivilege:
        raise _not_admin() from None
    except psycopg.Error as exc:
        said = translate_on(server.engine, SADatabaseError(None, None, exc))
        if said is None:
            raise  # a bug, not something a person can fix
        raise said from exc
    except SADatabaseError as exc:
        if isinstance(exc.orig, psycopg.errors.InsufficientPrivilege):
            raise _not_admin() from None
        said = translate_on(server.engine, exc)
        if said is None:
            raise
        raise said from exc


def _not_admin() -> UserError:
    return UserError(
        _(
            "The clinic server refused: only a clinic admin may manage staff accounts "
            "(nothing was changed)."
        )
    )
