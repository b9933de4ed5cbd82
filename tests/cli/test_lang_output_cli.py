"""`clinic-app --lang es`: --help and everyday output in Spanish, argparse's own words included;
English stays English and --json is the same in both. On a vault and the clinic server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import CliTarget, assert_ok, make_env, new_target, run_cli
from tests.conftest import SAMPLE_CSV

TODAY = "2026-01-15"


@pytest.fixture(scope="module")
def store(
    cli_store_kind: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CliTarget]:
    """An empty store of this module's own, filled by the test that imports into it."""
    with new_target(cli_store_kind, tmp_path_factory.mktemp("lang-es"), request) as target:
        yield target


def test_main_help_is_spanish_with_lang_es_and_english_without(tmp_path: Path) -> None:
    env = make_env(tmp_path / "home")
    spanish = assert_ok(run_cli("--lang", "es", "--help", env=env)).stdout
    assert spanish.startswith("uso: clinic-app [-h] [--vault DIR]")
    for words in (
        "\nopciones:\n",
        "\nargumentos posicionales:\n",
        "  -h, --help          mostrar esta ayuda y salir",
        "    init              crear una bóveda nueva y vacía",
        "Gestor de casos cifrado y sin conexión",
        "Códigos de salida: 0 correcto",
    ):
        assert words in spanish, words
    for english in (
        "usage:",
        "options:",
        "show this help",
        "create a new, empty vault",
        "Exit codes",
    ):
        assert english not in spanish, english

    english = assert_ok(run_cli("--help", env=env)).stdout
    assert english.startswith("usage: clinic-app [-h] [--vault DIR]")
    for words in (
        "\noptions:\n",
        "  -h, --help          show this help message and exit",
        "    init              create a new, empty vault",
        "Exit codes: 0 ok",
    ):
        assert words in english, words
    assert "uso:" not in english and "opciones" not in english

    # The language may come from the environment instead of the flag.
    from_env = run_cli("--help", env=make_env(tmp_path / "home", CLINIC_APP_LANG="es"))
    assert assert_ok(from_env).stdout == spanish


def test_a_subcommands_help_is_spanish_flags_and_all(tmp_path: Path) -> None:
    env = make_env(tmp_path / "home")
    shown = assert_ok(run_cli("--lang", "es", "client", "add", "--help", env=env)).stdout
    assert shown.startswith("uso: clinic-app client add [-h]")
    assert "--first-name TEXT" in shown and "--dob DATE" in shown  # flags and metavars as typed
    for words in ("nombres de pila, como los escribe la persona", "Entorno: ", "opciones:"):
        assert words in shown, words
    for english in ("given names", "Environment:", "options:", "show this help"):
        assert english not in shown, english

    fields = assert_ok(run_cli("--lang", "es", "fields", env=env)).stdout
    assert "Clínica y fecha (todos los documentos)" in fields
    assert "  today (date)  p. ej. " in fields and "El nombre de la clínica." in fields
    assert "e.g." not in fields and "The clinic's name." not in fields

    deadlines = assert_ok(run_cli("--lang", "es", "deadlines", "--help", env=env)).stdout
    assert "Plazos calculados con los paquetes de reglas" in deadlines
    assert "solo los plazos vencidos" in deadlines and "only overdue" not in deadlines


def test_everyday_commands_speak_spanish_and_keep_json(store: CliTarget) -> None:
    def es(*args: str) -> str:
        return assert_ok(store.cli("--lang", "es", *args)).stdout

    dry = es("import", "--dry-run", str(SAMPLE_CSV)).splitlines()[-1]
    assert dry.startswith("Se importarían 24 filas: 24 clientes, 4 empleadores, ")
    assert dry.endswith(". (simulación: no se escribió nada)")
    done = es("import", str(SAMPLE_CSV)).splitlines()[-1]
    assert done.startswith("Se importaron 24 filas: 24 clientes, ") and "casos" in done
    again = es("import", str(SAMPLE_CSV)).splitlines()
    assert again[0].startswith("fila 2: coincide con el cliente ")
    assert again[-1] == "Se importaron 24 filas: nada nuevo."

    listed = es("clients")
    assert listed.splitlines()[0].split() == [
        "ID", "Nombre", "Número", "A", "Nacimiento", "Idioma", "Empleador",
    ]  # fmt: skip
    english = assert_ok(store.cli("clients")).stdout
    assert english.splitlines()[0].split() == ["ID", "Name", "A-number", "Born", "Lang", "Employer"]
    assert es("clients", "--json") == assert_ok(store.cli("clients", "--json")).stdout

    added = es("client", "add", "--first-name", "Zoila", "--last-name", "Quispe")
    assert added.startswith("Se agregó el cliente ")
    client_id = added.split()[4].rstrip(":")
    shown = es("client", client_id)
    assert shown.startswith(f"Zoila Quispe (cliente {client_id})")
    assert "No hay casos." in shown

    # Codes become words in Spanish; English keeps the codes scripts and flags know.
    matters = es("matters")
    assert matters.splitlines()[0].split()[:4] == ["ID", "Cliente", "Programa", "Tipo"]
    assert "Acción diferida por motivos laborales" in matters
    assert "labor-deferred-action" not in matters
    assert "labor-deferred-action" in assert_ok(store.cli("matters")).stdout

    today = es("today", "--today", TODAY)
    assert today.startswith(f"Hoy, {TODAY}: ")
    assert "Today," not in today and "overdue" not in today
