"""Filling many documents on every core: worker processes get plain data, never the vault.

The parent builds each document's fields from the vault; the workers receive the template bytes
once (at start) and then (template key, fields, output path) jobs, fill them with docxtpl and
write each file atomically. A job that fails returns its reason; the others carry on.

A clinic's template is a file from anywhere: it is always filled in a worker process with a
memory limit (RLIMIT_AS) and a CPU-time limit per document (a profiling timer), so a template
written to exhaust the machine fails that document with a sentence. Windows has neither limit:
there the worker process only keeps the app itself alive.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from clinic_app.documents.engine import PreparedTemplate, RenderError, RenderFailure, Value
from clinic_app.errors import ClinicError
from clinic_app.vault.fsutil import atomic_write

# Below this many documents, starting worker processes costs more than it saves.
PARALLEL_FROM = 8
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Job:
    template: str  # key into the templates handed to the workers
    values: Mapping[str, Value]
    out_path: Path | None  # where to write the .docx (None: only return the bytes)
    want_bytes: bool = False


@dataclass(frozen=True)
class JobResult:
    ok: bool
    data: bytes | None = None
    failure: RenderFailure | None = None


# Limits for filling one document from a clinic's template (far above what a letter needs:
# the shipped templates fill in a fraction of a second and a few tens of MB).
SECONDS_PER_DOCUMENT = 20.0
MEMORY_BYTES = 1536 * 2**20

_templates: dict[str, PreparedTemplate] = {}
_seconds: float | None = None  # set in a limited worker
_limits = (SECONDS_PER_DOCUMENT, MEMORY_BYTES)  # as the worker was given them


class _OutOfTime(BaseException):
    """Raised by the CPU timer inside a limited worker (a BaseException, so no template code
    path that catches Exception can swallow it)."""


def _on_timer(signum: int, frame: object) -> None:
    raise _OutOfTime


def _init_worker(
    sources: Mapping[str, tuple[bytes, str]], limits: tuple[float, int] | None = None
) -> None:
    global _seconds, _limits
    _templates.clear()
    for key, (data, name) in sources.items():
        _templates[key] = PreparedTemplate(data, name=name)
    if limits is not None and sys.platform != "win32":
        import resource

        seconds, memory = _limits = limits
        _seconds = seconds
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        signal.signal(signal.SIGPROF, _on_timer)


def _limit_message(what: str, limits: tuple[float, int] | None = None) -> RenderFailure:
    seconds, memory = limits or _limits
    return RenderFailure(
        None,
        f"the template needed more {what} than one document may use "
        f"({seconds:g} s of processor time, {memory // 2**20} MB); "
        "look for a loop or a very long repeated text in it",
    )


def run_job(job: Job) -> JobResult:
    """Fill one document (in whichever process runs it)."""
    try:
        if _seconds is not None:
            signal.setitimer(signal.ITIMER_PROF, _seconds)
        try:
            data = _templates[job.template].render(job.values)
        finally:
            if _seconds is not None:
                signal.setitimer(signal.ITIMER_PROF, 0)
        if job.out_path is not None:
            atomic_write(job.out_path, data)
    except _OutOfTime:
        return JobResult(ok=False, failure=_limit_message("time"))
    except MemoryError:
        return JobResult(ok=False, failure=_limit_message("memory"))
    except RenderError as exc:
        return JobResult(ok=False, failure=exc.failure)
    except ClinicError as exc:  # e.g. the disk is full: this document only
        return JobResult(
            ok=False, failure=RenderFailure(None, exc.message.rstrip("."), saving=True)
        )
    return JobResult(ok=True, data=data if job.want_bytes else None)


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


class _Results:
    """Results in job order, with progress and each result reported as it comes."""

    def __init__(
        self,
        total: int,
        progress: Progress | None,
        on_result: Callable[[int, JobResult], None] | None,
    ) -> None:
        self.items: list[JobResult] = []
        self.total = total
        self.progress = progress
        self.on_result = on_result

    def add(self, result: JobResult) -> None:
        self.items.append(result)
        if self.on_result:
            self.on_result(len(self.items) - 1, result)
        if self.progress:
            self.progress(len(self.items), self.total)


def run_jobs(
    sources: Mapping[str, PreparedTemplate],
    jobs: Sequence[Job],
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    on_result: Callable[[int, JobResult], None] | None = None,
) -> list[JobResult]:
    """Fill every job, in order; uses worker processes when there are enough documents, and
    always (with limits) for a template that is not one of the app's own. `on_result` hears of
    each job (its index and result) as soon as it is done, so a written draft is recorded then."""
    workers = default_workers() if workers is None else max(1, workers)
    results = _Results(len(jobs), progress, on_result)
    if not all(t.trusted for t in sources.values()):
        _run_limited(sources, jobs, min(workers, len(jobs)), results)
        return results.items
    if workers == 1 or len(jobs) < PARALLEL_FROM:
        _templates.clear()
        _templates.update(sources)
        for job in jobs:
            results.add(run_job(job))
        return results.items
    # Imported here: the process pool is needed only for batches, not at the app's start-up.
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    payload = {key: (t.data, t.name) for key, t in sources.items()}
    # "spawn": the workers start clean, with no copy of the parent's open vault or its keys.
    context = multiprocessing.get_context("spawn")
    chunk = max(1, min(25, len(jobs) // (workers * 4) or 1))
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(payload,)
        ) as pool:
            for result in pool.map(run_job, jobs, chunksize=chunk):
                results.add(result)
    except BrokenProcessPool:
        # A worker died (out of memory, killed): finish the rest here rather than lose them.
        _templates.clear()
        _templates.update(sources)
        for job in jobs[len(results.items) :]:
            results.add(run_job(job))
    return results.items


def _run_limited(
    sources: Mapping[str, PreparedTemplate],
    jobs: Sequence[Job],
    workers: int,
    results: _Results,
) -> None:
    """Every job in worker processes under the limits; never in this process."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    if not jobs:
        return
    payload = {key: (t.data, t.name) for key, t in sources.items()}
    limits = (SECONDS_PER_DOCUMENT, MEMORY_BYTES)
    context = multiprocessing.get_context("spawn")
    done = 0
    try:
        with ProcessPoolExecutor(
            max_workers=max(1, workers),
            mp_context=context,
            initializer=_init_worker,
            initargs=(payload, limits),
        ) as pool:
            for result in pool.map(run_job, jobs, chunksize=1):
                results.add(result)
                done += 1
    except BrokenProcessPool:
        # A worker died past its limits: that document fails, the rest go to fresh workers.
        results.add(JobResult(ok=False, failure=_limit_message("memory or time", limits)))
        _run_limited(sources, jobs[done + 1 :], workers, results)


def render_one(template: PreparedTemplate, values: Mapping[str, Value]) -> JobResult:
    """Fill one document without writing it: here for the app's own templates, in a limited
    worker for any other."""
    return run_jobs({"one": template}, [Job("one", values, None, want_bytes=True)], workers=1)[0]
