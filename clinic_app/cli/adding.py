"""What every `… add` command does: open the store, add with field errors named by flag, answer."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from clinic_app.cli import context
from clinic_app.cli.output import print_json
from clinic_app.cli.usage import flags_for
from clinic_app.services import Changed
from clinic_app.services.records import to_json
from clinic_app.store.base import Store

R = TypeVar("R")


def add_record(
    args: argparse.Namespace,
    flags: Mapping[str, str],
    add: Callable[[Store], Changed[R]],
    said: Callable[[R], str],
) -> int:
    """Run `add` in one transaction; print the new record as JSON with --json (its id for a
    script), else the one sentence `said` makes of it."""
    with context.open_store(args) as store, flags_for(flags):
        record = add(store).record
    if args.json:
        print_json(to_json(record))
    else:
        print(said(record))
    return 0


def fields_of(args: argparse.Namespace, **names: str) -> dict[str, Any]:
    """Service keywords from flags: `fields_of(args, date_issued="issued")` reads args.issued."""
    return {key: getattr(args, attr) for key, attr in names.items()}
