"""Inventing the demo's rows chunk by chunk, in a second process for a big fill."""

from __future__ import annotations

import multiprocessing
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clinic_app.services.demo import _Rows

# Below this many clients a second process costs more to start (it imports the app's models)
# than inventing the rows here takes.
PARALLEL_FROM = 20_000

Chunk = tuple[list[dict[str, Any]], "_Rows"]


@dataclass(frozen=True)
class Plan:
    """Everything the rows are invented from: the same plan gives the same rows, here or in a
    worker (the random generator's state travels with it). A matter's or note's client_id is
    the client's index in its chunk, for the writer to replace with the id it gets."""

    clients: int
    chunk: int
    rng_state: tuple[Any, ...]
    used_a: set[str]
    next_receipt: int
    today: date
    employers: list[tuple[int, int]]  # (employer id, worksite id)
    letters: dict[int, list[int]]  # employer id -> agency letter ids
    staff_ids: list[int]
    staff_names: frozenset[str]  # casefolded: no worker is given one of these names
    lang: str


def invent(plan: Plan) -> Iterator[Chunk]:
    """Each chunk's client rows and the rows of their matters, in order."""
    from clinic_app.services.demo import _client, _matters, _Rows

    rng = random.Random()
    rng.setstate(plan.rng_state)
    used_a = set(plan.used_a)
    next_receipt = plan.next_receipt
    for start in range(0, plan.clients, plan.chunk):
        batch = min(plan.chunk, plan.clients - start)
        client_rows = [_client(rng, used_a, plan.staff_names) for _ in range(batch)]
        rows = _Rows()
        for index in range(batch):
            next_receipt = _matters(
                rows, rng, plan.today, index, plan.employers, plan.letters, plan.staff_ids,
                next_receipt,
            )  # fmt: skip
        yield client_rows, rows


def chunks(plan: Plan, *, workers: int | None = None) -> Iterator[Chunk]:
    """`invent(plan)`, from a second process when `workers` is 2 or more (None: when the fill is
    big and the computer has a second core); the rows are the same either way."""
    if workers is None:
        workers = 2 if plan.clients >= PARALLEL_FROM and (os.cpu_count() or 1) > 1 else 1
    if workers < 2:
        yield from invent(plan)
        return
    # "spawn": the worker starts clean, with no copy of the parent's open vault or its keys;
    # it holds only the invented people it sends.
    context = multiprocessing.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    worker = context.Process(target=_send_all, args=(plan, sending), daemon=True)
    worker.start()
    sending.close()
    made = 0
    try:
        while made < plan.clients:
            try:
                item = receiving.recv()
            except EOFError:  # the worker died (out of memory, killed): go on here
                break
            if isinstance(item, BaseException):
                raise item
            made += len(item[0])
            yield item
    finally:
        receiving.close()
        worker.join(timeout=10)
        if worker.is_alive():
            worker.terminate()
    if made < plan.clients:
        # The same rows as the worker would have sent: invent them all and skip those sent.
        for client_rows, rows in invent(plan):
            made -= len(client_rows)
            if made < 0:
                yield client_rows, rows


def _send_all(plan: Plan, sending: Connection) -> None:
    """The worker: every chunk, in order, down the pipe (an error in its place)."""
    from clinic_app.i18n import set_language

    set_language(plan.lang)  # the demo's notes and safe-contact texts, in its language
    try:
        for item in invent(plan):
            sending.send(item)
    except Exception as exc:  # shown by the writer, in its own process
        sending.send(exc)
    finally:
        sending.close()
