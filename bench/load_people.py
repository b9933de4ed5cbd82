"""One simulated staff member: a realistic mix of work through clinic_app.services, every outcome logged."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from clinic_app.errors import ConflictError
from clinic_app.services import documents as documents_service
from clinic_app.services import matters
from clinic_app.services.clients import list_clients, search_page
from clinic_app.services.deadlines import list_deadlines, mark_done
from clinic_app.store.postgres import UNREACHABLE, ServerError

# What people do most: look someone up, open a matter; less often they write.
WEIGHTS = {"search": 36, "open": 28, "notice": 15, "done": 14, "render": 7}
OPERATIONS = (*WEIGHTS, "edit")
TEMPLATE = "declaration"
SEARCH_PAGE = 50  # the Clients screen's first page
# Every few seconds both people of a pair open their shared matter and save a change to it, so
# the one who saves second was working from an old version: a conflict provoked on purpose.
EDIT_EVERY = 5.0


@dataclass(frozen=True)
class Edit:
    """An acknowledged save of the shared matter: the version it was loaded at, and after."""

    matter_id: int
    loaded: int
    saved: int
    assignee: int


@dataclass
class PersonLog:
    """Everything one person did and saw."""

    login: str
    times: dict[str, list[float]] = field(default_factory=dict)
    notices: list[tuple[int, int, str]] = field(default_factory=list)  # event id, matter, token
    unsure_notices: list[str] = field(default_factory=list)  # the sentence was shown instead
    done: list[str] = field(default_factory=list)
    unsure_done: list[str] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)  # kept (encrypted) drafts' file ids
    edits: list[Edit] = field(default_factory=list)
    conflicts: int = 0
    conflict_sentences: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)  # every "server" message shown
    outcomes: list[tuple[float, bool]] = field(default_factory=list)  # (when, succeeded)
    ops: int = 0
    next_ok: bool | None = None  # the operation after the run, on the same store

    def recovered(self) -> bool:
        """After the last failure, a later operation worked without anyone reconnecting."""
        last_fail = max((i for i, (_t, ok) in enumerate(self.outcomes) if not ok), default=None)
        if last_fail is None:
            return True
        return any(ok for _t, ok in self.outcomes[last_fail + 1 :]) or bool(self.next_ok)


@dataclass(frozen=True)
class World:
    """What everyone works on: names to type, matters to open, and each person's share."""

    names: tuple[str, ...]
    matter_ids: tuple[int, ...]
    shared: tuple[int, ...]  # one matter per pair of people, edited by both on purpose
    staff_ids: tuple[int, ...]  # whom a matter may be assigned to
    today: date


class Tickets:
    """The run's budget: a bounded number of operations before a bounded time. With `hold`,
    work goes on past the time until it is set (the faults are over), at most `grace` longer."""

    def __init__(
        self, total: int, until: float, hold: threading.Event | None = None, grace: float = 120.0
    ) -> None:
        self._left = total
        self._until = until
        self._hold = hold
        self._grace = grace
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            now = time.monotonic()
            held = self._hold is not None and not self._hold.is_set()
            over = now >= self._until and (not held or now >= self._until + self._grace)
            if self._left <= 0 or over:
                return False
            self._left -= 1
            return True


class Person:
    """One member of staff with their own store (their own login and connection)."""

    def __init__(
        self, index: int, staff: int, store: Any, world: World, log: PersonLog, think: float
    ) -> None:
        self.index = index
        self.staff = staff
        self.store = store
        self.world = world
        self.log = log
        self.think = think
        self.rng = random.Random(1000 + index)
        self.started = time.monotonic()
        self._made = 0
        self._edit_slot = 0

    def _timed(self, op: str, call: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        result = call()
        self.log.times.setdefault(op, []).append(time.perf_counter() - start)
        return result

    def _pause(self, seconds: float) -> None:
        if self.think > 0:
            time.sleep(seconds * self.think)

    def _mine(self) -> int:
        """A matter of this person's share (nobody else marks its deadlines done)."""
        ids = self.world.matter_ids
        return ids[self.rng.randrange(self.index, len(ids), self.staff)]

    def run(self, tickets: Tickets) -> None:
        ops = list(WEIGHTS)
        weights = [WEIGHTS[op] for op in ops]
        while tickets.take():
            slot = int((time.monotonic() - self.started) / EDIT_EVERY)
            if slot > self._edit_slot:
                self._edit_slot = slot
                op = "edit"
            else:
                op = self.rng.choices(ops, weights)[0]
            self.once(op)
            self._pause(self.rng.uniform(0.2, 1.0))  # reading the screen before the next thing

    def next_operation(self) -> None:
        """One more search on the same store once the run is over: it must simply work."""
        try:
            list_clients(self.store, search_text=self.world.names[0][:2], limit=5)
            self.log.next_ok = True
        except Exception as exc:
            self.log.next_ok = False
            self.log.errors.append(f"next operation: {type(exc).__name__}: {exc}")

    def once(self, op: str) -> None:
        """One operation; the outcome is logged, never raised."""
        self.log.ops += 1
        try:
            getattr(self, f"_{op}")()
        except ServerError as exc:
            self.log.sentences.append(str(exc))
            self.log.outcomes.append((time.monotonic() - self.started, False))
            if str(exc) != UNREACHABLE:
                self.log.errors.append(f"{op}: {exc}")
            self._pause(0.3)  # the person reads the sentence and tries again
            return
        except ConflictError as exc:  # the screen shows who changed it and reloads
            self.log.conflicts += 1
            self.log.conflict_sentences.append(str(exc))
            self.log.outcomes.append((time.monotonic() - self.started, True))
            return
        except Exception as exc:
            self.log.errors.append(f"{op}: {type(exc).__name__}: {exc}")
            self.log.outcomes.append((time.monotonic() - self.started, False))
            return
        self.log.outcomes.append((time.monotonic() - self.started, True))

    # -- the operations ------------------------------------------------------------------

    def _search(self) -> None:
        """Search as you type: every prefix of a name, a keystroke apart."""
        name = self.rng.choice(self.world.names)
        for end in range(1, min(len(name), 7) + 1):
            typed = name[:end]
            # What the Clients screen reads per keystroke: the count and the first page.
            self._timed(
                "search",
                lambda: search_page(self.store, search_text=typed, limit=SEARCH_PAGE),  # noqa: B023
            )
            self._pause(0.12)

    def _open(self) -> None:
        matter_id = self.rng.choice(self.world.matter_ids)

        def open_matter() -> None:
            matters.get_matter(self.store, matter_id=matter_id)
            matters.list_events(self.store, matter_id=matter_id)
            list_deadlines(self.store, today=self.world.today, matter_id=matter_id)

        self._timed("open", open_matter)

    def _notice(self) -> None:
        matter_id = self._mine()
        self._made += 1
        token = f"load {self.log.login} {self._made}"
        try:
            made = self._timed(
                "notice",
                lambda: matters.add_event(
                    self.store,
                    matter_id=matter_id,
                    kind="other",
                    occurred_on=self.world.today,
                    details=token,
                ),
            )
        except ServerError:
            self.log.unsure_notices.append(token)
            raise
        self.log.notices.append((int(made.record.id), matter_id, token))

    def _done(self) -> None:
        for _try in range(4):
            matter_id = self._mine()
            open_ones = [
                d
                for d in list_deadlines(self.store, today=self.world.today, matter_id=matter_id)
                if d.done_on is None and not d.id.startswith("task-")
            ]
            if open_ones:
                ref = open_ones[0].id
                try:
                    self._timed(
                        "done",
                        lambda: mark_done(self.store, ref=ref, today=self.world.today),  # noqa: B023
                    )
                except ServerError:
                    self.log.unsure_done.append(ref)
                    raise
                self.log.done.append(ref)
                return

    def _render(self) -> None:
        matter_id = self.rng.choice(self.world.matter_ids)
        report = self._timed(
            "render",
            lambda: documents_service.render_documents(
                self.store,
                template=TEMPLATE,
                today=self.world.today,
                matter_id=matter_id,
                keep_in_vault=True,
                workers=1,
                anyway=True,
            ),
        )
        for doc in report.failed:
            if UNREACHABLE in str(doc.problem):
                raise ServerError(UNREACHABLE)
            self.log.errors.append(f"render: {doc.problem}")
        self.log.kept += [d.stored_file_id for d in report.written if d.stored_file_id]

    def _edit(self) -> None:
        """Load the pair's shared matter, read it a moment, save a change against that load."""
        matter_id = self.world.shared[(self.index // 2) % len(self.world.shared)]
        loaded = matters.get_matter(self.store, matter_id=matter_id)
        self._pause(self.rng.uniform(0.5, 2.0))  # deciding whom to give it to
        assignee = self.rng.choice(
            [i for i in self.world.staff_ids if i != loaded.assigned_staff_id]
        )
        saved = self._timed(
            "edit",
            lambda: matters.update_matter(
                self.store, matter_id=matter_id, version=loaded.version, assigned_staff_id=assignee
            ),
        )
        self.log.edits.append(Edit(matter_id, loaded.version, saved.record.version, assignee))
