"""Rendering a whole worksite's documents (500 by default) against bare docxtpl in one process."""

from __future__ import annotations

import argparse
import csv
import io
import random
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate

from bench import common
from clinic_app.documents import context
from clinic_app.documents.engine import build_context
from clinic_app.resources import resource_path
from clinic_app.services import documents as documents_service
from clinic_app.services import importing, letters, vault_ops
from clinic_app.services.demo import COMMUNITIES
from clinic_app.vault.keyslots import KdfParams

# `render_documents(..., letter_id=...)` is measured as `clinic-app render TEMPLATE --letter ID`
# runs it (facts from the vault, template checks, worker processes, files written atomically,
# index), with every core and in one process, against rendering the same template as many times
# with plain docxtpl in one process (new DocxTemplate, render, save).

TODAY = date(2027, 3, 1)


def make_worksite_csv(path: Path, workers: int, seed: int = 5) -> None:
    """`workers` invented workers of one employer, all under one agency letter, not yet filed."""
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(importing.COLUMNS))
        writer.writeheader()
        for i in range(workers):
            firsts, lasts, countries, langs = rng.choice(COMMUNITIES)
            writer.writerow(
                {
                    "first_name": rng.choice(firsts),
                    "last_name": rng.choice(lasts),
                    "date_of_birth": f"{rng.randint(1960, 2003)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                    "a_number": f"A{200_000_000 + i:09d}" if i % 4 else "",
                    "country_of_birth": rng.choice(countries),
                    "preferred_language": langs[0].split(",")[0],
                    "employer": "Riverbend Meat Packers Inc.",
                    "worksite_city": "Marshalltown",
                    "worksite_state": "IA",
                    "agency": "DOL-WHD",
                    "letter_date": "2024-06-15",
                    "letter_period_start": "2022-01-01",
                    "letter_period_end": "2024-12-31",
                    # New requests not yet decided: the declarations a clinic prepares for a
                    # group under one letter (a decided matter's declaration is refused).
                    "matter_kind": "initial",
                }
            )


def bare_docxtpl(template: Path, count: int, out: Path) -> float:
    """The baseline: plain docxtpl, one process, one context, `count` files."""
    ctx = build_context(context.example_values("en"))
    data = template.read_bytes()
    start = time.perf_counter()
    for i in range(count):
        tpl = DocxTemplate(io.BytesIO(data))
        tpl.render(ctx, autoescape=True)
        tpl.save(str(out / f"bare-{i}.docx"))
    return time.perf_counter() - start


def measure(documents: int, template: str, one_process: bool = True) -> dict[str, Any]:
    """The service with every core (and in one process), against bare docxtpl in one process."""
    results: dict[str, Any] = {"documents": documents, "template": template}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        csv_path = root / "worksite.csv"
        make_worksite_csv(csv_path, documents)
        # The key derivation cost is not what is measured here.
        vault, _code = vault_ops.create_vault(
            root / "vault",
            passphrase=common.PASSPHRASE,
            kdf=KdfParams(memory_kib=8 * 1024, iterations=1, lanes=1),
        )
        try:
            report = importing.import_file(vault, path=csv_path)
            if not report.ok:
                raise RuntimeError(f"the import failed: {report.problems[:3]}")
            documents_service.set_clinic_details(vault, values=common.CLINIC)
            [letter] = letters.list_letters(vault)
            runs: dict[str, float] = {}
            modes = (
                (("all_cores", None), ("one_process", 1)) if one_process else (("all_cores", None),)
            )
            for label, workers in modes:
                start = time.perf_counter()
                made = documents_service.render_documents(
                    vault,
                    template=template,
                    letter_id=letter.id,
                    out_dir=root / label,
                    today=TODAY,
                    workers=workers,
                )
                runs[label] = time.perf_counter() - start
                if len(made.written) != documents:
                    raise RuntimeError(f"rendering failed: {made.failed[:3]}")
                results[f"{label}_s"] = round(runs[label], 2)
                results[f"{label}_ms_per_document"] = round(1000 * runs[label] / documents, 1)
        finally:
            vault.close()
        bare_out = root / "bare"
        bare_out.mkdir()
        bare = bare_docxtpl(
            resource_path("templates", "en", f"{template}.docx"), documents, bare_out
        )
    results["bare_docxtpl_one_process_s"] = round(bare, 2)
    results["bare_docxtpl_ms_per_document"] = round(1000 * bare / documents, 1)
    results["speedup_vs_bare"] = round(bare / runs["all_cores"], 2)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--template", default="declaration")
    parser.add_argument("--out", type=Path, default=common.RESULTS_DIR / "render.json")
    args = parser.parse_args(argv)
    results: dict[str, Any] = common.machine() | {"load_average_at_start": common.load_average()}
    results.update(measure(args.documents, args.template))
    common.publish(args.out, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
