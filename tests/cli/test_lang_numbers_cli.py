"""`clinic-app --lang es`: counts and sizes written as Spanish writes numbers ('1.234.567'),
and the backup plan's codes as words; English exactly as before ('1,234,567', 'daily') and
--json the same in both."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.numbers import format_decimal

from tests.cli.conftest import Run, assert_ok, assert_one_line_error, make_env, run_cli

# Over a thousand workers: every count of them is big enough to be grouped.
WORKERS = 1005


def spanish(n: int) -> str:
    return str(format_decimal(n, locale="es"))


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], Run]:
    """A demo vault of over a thousand workers, filled in Spanish (its first run's output kept)."""
    base = tmp_path_factory.mktemp("numbers")
    env = make_env(base / "home")
    folder = base / "vault"
    made = run_cli("--vault", folder, "--lang", "es", "demo", "--clients", str(WORKERS),
                   "--seed", "3", "--today", "2026-01-15", env=env)  # fmt: skip
    return folder, env, assert_ok(made)


def test_the_demo_counts_its_workers_the_spanish_way(
    vault: tuple[Path, dict[str, str], Run],
) -> None:
    folder, _env, made = vault
    first = made.stdout.splitlines()[0]
    assert first.startswith(f"Bóveda de demostración en {folder}: 1.005 trabajadores, "), made
    matters = int(re.search(r", ([\d.]+) casos,", first).group(1).replace(".", ""))  # type: ignore[union-attr]
    assert matters >= 1000 and f" {spanish(matters)} casos, " in first


def test_a_backups_size_is_grouped_as_the_language_groups_it(
    vault: tuple[Path, dict[str, str], Run], tmp_path: Path
) -> None:
    folder, env, _made = vault
    es_file, en_file = tmp_path / "copia.clinicbackup", tmp_path / "copy.clinicbackup"
    es = assert_ok(run_cli("--vault", folder, "--lang", "es", "backup", es_file, env=env))
    size = es_file.stat().st_size
    assert size > 1_000_000
    assert f" ({spanish(size)} bytes, " in es.stdout, es
    assert f"{size:,}" not in es.stdout

    en = assert_ok(run_cli("--vault", folder, "backup", en_file, env=env))
    size = en_file.stat().st_size
    assert en.stdout == (
        f"Backup written to {en_file} ({size:,} bytes, encrypted; protected by the vault "
        "passphrase).\n"
    )


def test_the_backup_listing_and_the_calendar_count_in_spanish(
    vault: tuple[Path, dict[str, str], Run], tmp_path: Path
) -> None:
    folder, env, _made = vault

    def cli(*args: str | Path) -> str:
        return assert_ok(run_cli("--vault", folder, *args, env=env)).stdout

    cli("backup-plan", "--folder", tmp_path / "usb", "--every", "daily")
    # The plan's codes are words in Spanish; English keeps the codes as typed.
    plan = cli("--lang", "es", "backup-plan")
    assert plan.startswith("Copias de seguridad: diarias, en 1 carpeta:\n"), plan
    assert plan.endswith("\nProtegida con: frase de contraseña de la bóveda.\n"), plan
    plan = cli("backup-plan")
    assert plan.startswith("Backups: daily, to 1 folder:\n"), plan
    assert plan.endswith("\nProtected by: the vault passphrase.\n"), plan
    (tmp_path / "usb").mkdir()
    cli("backups", "--now")
    listed = json.loads(cli("backups", "--json"))
    # The sizes in --json stay plain numbers (only the status's sentence is in the language).
    assert (
        json.loads(cli("--lang", "es", "backups", "--json"))["destinations"]
        == listed["destinations"]
    )
    n = listed["destinations"][0]["copies"][0]["size"]
    assert isinstance(n, int) and n > 1_000_000
    assert f"{spanish(n):>14} bytes  verificada  " in cli("--lang", "es", "backups")
    assert f"{n:>14,} bytes  verified  " in cli("backups")

    es = cli("--lang", "es", "deadlines", "--ics", tmp_path / "es.ics", "--today", "2026-01-15")
    events = (tmp_path / "es.ics").read_text(encoding="utf-8").count("BEGIN:VEVENT")
    assert events >= 1000
    assert es.startswith(f"Se escribieron {spanish(events)} eventos en "), es
    en = cli("deadlines", "--ics", tmp_path / "en.ics", "--today", "2026-01-15")
    assert en.startswith(f"Wrote {events} events to "), en


def test_a_spreadsheet_too_long_is_refused_with_spanish_numbers(
    vault: tuple[Path, dict[str, str], Run], tmp_path: Path
) -> None:
    folder, env, _made = vault
    sheet = tmp_path / "larga.csv"
    sheet.write_text("first_name,last_name,employer\n" + "Ana,Quispe,Granja\n" * 200_001)
    es = run_cli("--vault", folder, "--lang", "es", "import", "--dry-run", sheet, env=env)
    assert assert_one_line_error(es, 1) == (
        "clinic-app: El archivo tiene 200.001 filas; divídalo en archivos de 200.000 filas "
        "como máximo."
    )
    en = run_cli("--vault", folder, "import", "--dry-run", sheet, env=env)
    assert assert_one_line_error(en, 1) == (
        "clinic-app: The file has 200001 rows; split it into files of at most 200000 rows."
    )
