"""Change-sets: what kinds of record a mutation touched, so each screen decides whether to refresh."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")

# Record kinds named in change-sets.
CLIENT = "client"
EMPLOYER = "employer"
WORKSITE = "worksite"
DISPUTE = "dispute"
LETTER = "letter"
MATTER = "matter"
GRANT = "grant"
EVENT = "event"
NOTE = "note"
STAFF = "staff"
FILE = "file"
SETTING = "setting"
DEADLINE = "deadline"
VAULT = "vault"


@dataclass(frozen=True)
class ChangeSet:
    """Which kinds of record changed, and which ids where known."""

    kinds: frozenset[str] = frozenset()
    ids: frozenset[tuple[str, int]] = frozenset()

    @classmethod
    def of(cls, kind: str, *ids: int) -> ChangeSet:
        return cls(kinds=frozenset({kind}), ids=frozenset((kind, i) for i in ids))

    def __or__(self, other: ChangeSet) -> ChangeSet:
        return ChangeSet(kinds=self.kinds | other.kinds, ids=self.ids | other.ids)

    def touches(self, *kinds: str) -> bool:
        return bool(self.kinds.intersection(kinds))

    def ids_of(self, kind: str) -> set[int]:
        return {i for k, i in self.ids if k == kind}

    @property
    def empty(self) -> bool:
        return not self.kinds


@dataclass(frozen=True)
class Changed(Generic[T]):
    """The result of a mutation: the new state of the record and the change-set."""

    record: T
    changes: ChangeSet = field(default_factory=ChangeSet)
