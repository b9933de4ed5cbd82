"""A vault's backup plan: where automatic backups go, how often, how many are kept, which passphrase."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from clinic_app.errors import UserError
from clinic_app.i18n import _, format_number, ngettext
from clinic_app.services import settings
from clinic_app.store.base import Store
from clinic_app.vault.keyslots import MIN_PASSPHRASE
from clinic_app.vault.vault import Vault

PLAN_KEY = "backup.plan"
FREQUENCIES = ("daily", "weekly", "on-close", "off")
# How often a plan means to make a copy. On-close plans back up at every lock or close that
# follows a change; a working clinic closes the app daily, so a day is their period too.
PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7), "on-close": timedelta(days=1)}


@dataclass(frozen=True)
class Retention:
    """How many copies thinning keeps per destination: the newest of each of the last `daily`
    days that have a copy, of the last `weekly` weeks, and of the last `monthly` months."""

    daily: int = 7
    weekly: int = 4
    monthly: int = 6

    def describe(self) -> str:
        """The copies kept, as a phrase: "7 daily copies, 4 weekly copies and 6 monthly copies"
        (a count of zero left out; check_retention keeps at least one)."""
        parts = [
            text.format(n=format_number(count))
            for count, text in (
                (self.daily, ngettext("{n} daily copy", "{n} daily copies", self.daily)),
                (self.weekly, ngettext("{n} weekly copy", "{n} weekly copies", self.weekly)),
                (self.monthly, ngettext("{n} monthly copy", "{n} monthly copies", self.monthly)),
            )
            if count
        ]
        if len(parts) < 2:
            return parts[0] if parts else _("no copies")
        return _("{some} and {last}").format(some=", ".join(parts[:-1]), last=parts[-1])

    def to_json(self) -> dict[str, int]:
        return {"daily": self.daily, "weekly": self.weekly, "monthly": self.monthly}


def parse_keep(text: str, current: Retention | None = None) -> Retention:
    """`N` (N daily copies, weekly and monthly as they are) or `D,W,M` (all three)."""
    base = current or Retention()
    parts = [p.strip() for p in text.split(",")]
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) == 1:
        keep = Retention(numbers[0], base.weekly, base.monthly)
    elif len(numbers) == 3:
        keep = Retention(*numbers)
    else:
        raise UserError(
            _(
                "--keep takes a number of daily copies (--keep 7) or daily, weekly and monthly counts (--keep 7,4,6)."
            )
        )
    check_retention(keep)
    return keep


def check_retention(keep: Retention) -> None:
    counts = (keep.daily, keep.weekly, keep.monthly)
    if any(n < 0 or n > 1000 for n in counts) or not any(counts):
        raise UserError(
            _("Keep between 0 and 1000 daily, weekly and monthly copies, and at least one copy.")
        )


@dataclass(frozen=True)
class Destination:
    """A folder automatic backups are written to (a USB stick, a file share, a synced folder)."""

    path: Path

    @property
    def label(self) -> str:
        """A short name for Today and the status bar ("USB"), never a client's."""
        return self.path.name or str(self.path)

    @property
    def present(self) -> bool:
        return self.path.is_dir()


@dataclass(frozen=True)
class BackupPlan:
    destinations: tuple[Destination, ...] = ()
    every: str = "off"
    keep: Retention = field(default_factory=Retention)
    own_passphrase: bool = False

    @property
    def enabled(self) -> bool:
        return self.every != "off" and bool(self.destinations)

    @property
    def period(self) -> timedelta | None:
        return PERIODS.get(self.every) if self.enabled else None

    @property
    def protected_by(self) -> str:
        return "own passphrase" if self.own_passphrase else "vault passphrase"

    def to_json(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "every": self.every,
            "destinations": [
                {"path": str(d.path), "label": d.label, "present": d.present}
                for d in self.destinations
            ],
            "keep": self.keep.to_json(),
            "protected_by": self.protected_by,
        }


def get_plan(vault: Store) -> BackupPlan:
    doc = settings.get_setting(vault, key=PLAN_KEY, default=None)
    if not isinstance(doc, dict):
        return BackupPlan()
    keep = doc.get("keep") or {}
    return BackupPlan(
        destinations=tuple(Destination(Path(p)) for p in doc.get("folders", [])),
        every=str(doc.get("every", "off")),
        keep=Retention(
            int(keep.get("daily", 7)), int(keep.get("weekly", 4)), int(keep.get("monthly", 6))
        ),
        own_passphrase=bool(doc.get("own_passphrase", False)),
    )


def needs_secret(vault: Vault, *, own_passphrase: bool) -> bool:
    """Whether saving a plan protected this way needs a passphrase typed now (first plan, or a
    change between the vault's passphrase and the backups' own)."""
    key = vault.backup_key()
    return key is None or key.own != own_passphrase


def set_plan(
    vault: Vault,
    *,
    folders: Sequence[Path | str] | None = None,
    every: str | None = None,
    keep: Retention | None = None,
    own_passphrase: bool | None = None,
    secret: str | None = None,
) -> BackupPlan:
    """Change what is given and keep the rest. `secret` is the vault passphrase, or the backups'
    own passphrase with `own_passphrase`; it is kept only as a key wrapped in the key slots.
    Every problem is named at once and nothing is changed when there is one."""
    current = get_plan(vault)
    problems: list[str] = []
    destinations = current.destinations
    if folders is not None:
        destinations = _destinations(vault, folders, problems)
    if every is None:
        # Folders given to a plan that had none, with no word on how often: daily.
        every = "daily" if folders and current.every == "off" else current.every
    if every not in FREQUENCIES:
        problems.append(_("Back up daily, weekly or on-close, not '{every}'.").format(every=every))
    keep = current.keep if keep is None else keep
    try:
        check_retention(keep)
    except UserError as exc:
        problems.append(exc.message)
    own = current.own_passphrase if own_passphrase is None else own_passphrase
    plan = BackupPlan(destinations, every, keep, own)
    if secret is not None and own and len("".join(secret.split())) < MIN_PASSPHRASE:
        problems.append(
            _(
                "The backup passphrase must have at least {minimum} characters besides spaces."
            ).format(minimum=MIN_PASSPHRASE)
        )
    elif secret is None and plan.enabled and needs_secret(vault, own_passphrase=own):
        problems.append(
            _("Give the backups' own passphrase.")
            if own
            else _("Give the vault passphrase: the backups are protected by it.")
        )
    if problems:
        raise UserError(" ".join(problems))
    if secret is not None:
        vault.set_backup_secret(secret, own=own)  # checks a vault passphrase before keeping it
    settings.set_setting(
        vault,
        key=PLAN_KEY,
        value={
            "folders": [str(d.path) for d in plan.destinations],
            "every": plan.every,
            "keep": plan.keep.to_json(),
            "own_passphrase": plan.own_passphrase,
        },
    )
    return plan


def _destinations(
    vault: Vault, folders: Sequence[Path | str], problems: list[str]
) -> tuple[Destination, ...]:
    chosen: list[Destination] = []
    inside = vault.folder.resolve()
    for folder in folders:
        path = Path(folder).expanduser().resolve()
        if path.is_relative_to(inside):
            problems.append(
                _(
                    "{path} is inside the vault folder, so a backup there is lost with the vault; "
                    "choose a folder on another drive or share."
                ).format(path=path)
            )
        elif path.exists() and not path.is_dir():
            problems.append(_("{path} is a file, not a folder.").format(path=path))
        elif Destination(path) not in chosen:
            chosen.append(Destination(path))
    return tuple(chosen)
