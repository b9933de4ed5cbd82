"""Filling many documents on every core: worker processes get plain data, never the vault.

The parent builds each document's fields from the vault; the workers receive the template bytes
once (at start) and then (template key, fields, output path) jobs, fill them with docxtpl and
write each file atomically. A job that fails returns its reason; the others carry on.
"""

from __future__ import annotations

import multiprocessing
import os
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


_templates: dict[str, PreparedTemplate] = {}


def _init_worker(sources: Mapping[str, tuple[bytes, str]]) -> None:
    _templates.clear()
    for key, (data, name) in sources.items():
        _templates[key] = PreparedTemplate(data, name=name)


def run_job(job: Job) -> JobResult:
    """Fill one document (in whichever process runs it)."""
    try:
        data = _templates[job.template].render(job.values)
        if job.out_path is not None:
            atomic_write(job.out_path, data)
    except RenderError as exc:
        return JobResult(ok=False, failure=exc.failure)
    except ClinicError as exc:  # e.g. the disk is full: this document only
        return JobResult(
            ok=False, failure=RenderFailure(None, exc.message.rstrip("."), saving=True)
        )
    return JobResult(ok=True, data=data if job.want_bytes else None)


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def run_jobs(
    sources: Mapping[str, PreparedTemplate],
    jobs: Sequence[Job],
    *,
    workers: int | None = None,
    progress: Progress | None = None,
) -> list[JobResult]:
    """Fill every job, in order; uses worker processes when there are enough documents."""
    workers = default_workers() if workers is None else max(1, workers)
    if workers == 1 or len(jobs) < PARALLEL_FROM:
        _templates.clear()
        _templates.update(sources)
        results = []
        for done, job in enumerate(jobs, start=1):
            results.append(run_job(job))
            if progress:
                progress(done, len(jobs))
        return results
    # Imported here: the process pool is needed only for batches, not at the app's start-up.
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    payload = {key: (t.data, t.name) for key, t in sources.items()}
    # "spawn": the workers start clean, with no copy of the parent's open vault or its keys.
    context = multiprocessing.get_context("spawn")
    chunk = max(1, min(25, len(jobs) // (workers * 4) or 1))
    results = []
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(payload,)
        ) as pool:
            for done, result in enumerate(pool.map(run_job, jobs, chunksize=chunk), start=1):
                results.append(result)
                if progress:
                    progress(done, len(jobs))
    except BrokenProcessPool:
        # A worker died (out of memory, killed): finish the rest here rather than lose them.
        _templates.clear()
        _templates.update(sources)
        for job in jobs[len(results) :]:
            results.append(run_job(job))
    return results
