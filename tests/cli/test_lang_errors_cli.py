"""`clinic-app --lang es`: a refused command says why in Spanish, still naming the flag to fix."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import assert_ok, assert_one_line_error, make_env, run_cli


def test_spanish_errors_name_the_flag_and_write_nothing(tmp_path: Path) -> None:
    env = make_env(tmp_path / "home")
    folder = tmp_path / "vault"
    assert_ok(run_cli("--vault", folder, "init", env=env))

    def es(*args: str) -> str:
        return assert_one_line_error(run_cli("--vault", folder, "--lang", "es", *args, env=env), 1)

    future = es("client", "add", "--first-name", "Zoila", "--last-name", "Quispe", "--dob",
                "2099-03-15")  # fmt: skip
    assert future == "clinic-app: --dob: 2099-03-15 es una fecha futura."
    # A validator's own sentence, the flag still literal.
    email = es("client", "add", "--first-name", "Zoila", "--email", "zoila-at-home")
    assert (
        email == "clinic-app: --email: 'zoila-at-home' no es una dirección de correo electrónico."
    )
    missing = es("client", "show", "999")
    assert missing == "clinic-app: No existe cliente con el ID 999."
    listed = assert_ok(run_cli("--vault", folder, "clients", "--json", env=env)).json()
    assert listed == []  # nothing was written

    # The same mistake without --lang stays English, word for word as before.
    run = run_cli("--vault", folder, "client", "add", "--first-name", "Zoila", "--dob",
                  "2099-03-15", env=env)  # fmt: skip
    english = assert_one_line_error(run, 1)
    assert english == "clinic-app: --dob: 2099-03-15 is in the future."


def test_a_spanish_usage_error_is_spanish_and_keeps_the_flags(tmp_path: Path) -> None:
    env = make_env(tmp_path / "home")
    run = run_cli("--lang", "es", "matter", "add", "--client", "1", env=env)
    line = assert_one_line_error(run, 2)
    assert line == (
        "clinic-app matter add: faltan estos argumentos obligatorios: --kind; "
        "ejecute 'clinic-app matter add --help' para ver las opciones."
    )
    run = run_cli("--lang", "es", "deadlines", "--within", "pronto", env=env)
    assert assert_one_line_error(run, 2).startswith(
        "clinic-app deadlines: argumento --within: valor no válido: 'pronto';"
    )


def test_a_spanish_import_names_each_bad_row_in_spanish(tmp_path: Path) -> None:
    env = make_env(tmp_path / "home")
    folder = tmp_path / "vault"
    assert_ok(run_cli("--vault", folder, "init", env=env))
    rows = tmp_path / "filas.csv"
    rows.write_text(
        "first_name,last_name,date_of_birth,employer\n"
        "Zoila,Quispe,2099-03-15,Riverbend Meat Packers Inc.\n"
        "Rosa,Mamani,1990-01-01,\n",
        encoding="utf-8",
    )
    run = run_cli("--vault", folder, "--lang", "es", "import", rows, env=env)
    assert run.returncode == 1, run
    # The column keeps the spreadsheet's own header; the problem is in Spanish.
    assert run.stderr_lines == [
        "No se importó nada: 2 problemas en filas.csv:",
        "  fila 2, date_of_birth: 2099-03-15 es una fecha futura",
        "  fila 3, employer: no puede quedar en blanco",
    ]
    assert assert_ok(run_cli("--vault", folder, "clients", "--json", env=env)).json() == []
