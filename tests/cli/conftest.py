"""Helpers for the command-line tests: the real `clinic-app` console script, run as a subprocess.

Every unlock costs the real Argon2id derivation (about half a second), so vaults are shared:
`sample_vault` (the sample spreadsheet imported once) and `demo_400` (a 400-worker demo vault,
big enough that its database has many pages) are built once per session. Tests that damage or
re-key a vault work on their own copy or their own vault.

Tests of the commands' behaviour run on both stores (a vault and the clinic server, see
`--stores`) through the module-scoped `cli_target` (empty), `cli_sample` (the sample spreadsheet
imported) and `cli_empty` (kept empty) fixtures; `CliTarget.cli(...)` runs a command on one.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import pytest

from tests.conftest import CLINIC_VARS, FAST_KDF, PASSPHRASE, SAMPLE_CSV, XDG


def _find_cli() -> Path:
    beside = Path(sys.executable).with_name("clinic-app")
    if beside.is_file():
        return beside
    found = shutil.which("clinic-app")
    if found is None:
        raise RuntimeError("the clinic-app console script is not installed in this environment")
    return Path(found)


CLI = _find_cli()
# Eight groups of four base32 characters, e.g. UL7Q-JL3R-4VUX-5HLM-GH2N-JIRI-EQC5-JZMX.
RECOVERY_CODE_RE = re.compile(r"\b[A-Z2-7]{4}(?:-[A-Z2-7]{4}){7}\b")
# What must never reach a person's terminal.
NOISE = (
    "Traceback (most recent call last)",
    "ERROR CORE",
    "sqlcipher",
    "qt.qpa",
    "Fatal Python error",
)
SCRUBBED_VARS = (*CLINIC_VARS, "DISPLAY", "WAYLAND_DISPLAY")


@dataclass(frozen=True, repr=False)
class Run:
    """The outcome of one `clinic-app` run."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def stderr_lines(self) -> list[str]:
        return self.stderr.splitlines()

    def json(self) -> Any:
        return json.loads(self.stdout)

    def __repr__(self) -> str:  # shown by pytest when an assertion about a run fails
        return (
            f"clinic-app {' '.join(self.args)} -> exit {self.returncode}\n"
            f"--- stdout ---\n{self.stdout}--- stderr ---\n{self.stderr}"
        )


def make_env(home: Path, passphrase: str | None = PASSPHRASE, **extra: str) -> dict[str, str]:
    """An explicit environment: HOME and XDG folders under `home`, no CLINIC_APP_* leaking in.

    `passphrase` sets CLINIC_APP_PASSPHRASE (None leaves it unset); `extra` adds variables.
    """
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_VARS}
    env["HOME"] = str(home)
    for var, sub in XDG:
        env[var] = str(home / sub)
    # Temporary files the app might write land where the canary test can see them.
    env["TMPDIR"] = str(home / "tmp")
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    if passphrase is not None:
        env["CLINIC_APP_PASSPHRASE"] = passphrase
    env.update(extra)
    return env


def run_cli(
    *args: str | os.PathLike[str],
    env: Mapping[str, str],
    stdin: str | None = None,
    cwd: Path | None = None,
    timeout: float = 180,
) -> Run:
    """Run the installed console script; stdin is never a terminal (empty unless given)."""
    argv = tuple(str(a) for a in args)
    proc = subprocess.run(
        [str(CLI), *argv],
        env=dict(env),
        input=stdin.encode("utf-8") if stdin is not None else None,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )
    return Run(
        argv,
        proc.returncode,
        proc.stdout.decode("utf-8", errors="replace"),
        proc.stderr.decode("utf-8", errors="replace"),
    )


def assert_ok(run: Run) -> Run:
    assert run.returncode == 0, run
    for noise in NOISE:
        assert noise.lower() not in run.stderr.lower(), run
    return run


def assert_one_line_error(run: Run, code: int | Sequence[int], *needles: str) -> str:
    """The run failed with `code`, printing exactly one line on stderr that holds every needle
    (case-insensitive), and no traceback or library noise. Returns that line."""
    codes = (code,) if isinstance(code, int) else tuple(code)
    assert run.returncode in codes, run
    lines = run.stderr_lines
    assert len(lines) == 1, run
    line = lines[0]
    assert line.strip(), run
    for noise in NOISE:
        assert noise.lower() not in run.stderr.lower(), run
    for needle in needles:
        assert needle.lower() in line.lower(), run
    return line


def recovery_code_from(stdout: str) -> str:
    codes = RECOVERY_CODE_RE.findall(stdout)
    assert len(codes) == 1, stdout
    return str(codes[0])


def sample_rows() -> list[dict[str, str]]:
    with SAMPLE_CSV.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


T = TypeVar("T")


def in_parallel(*lanes: Callable[[], T]) -> list[T]:
    """Run independent lanes of CLI runs side by side (never two runs on the same vault: the
    vault lock would refuse the second). Results come back in the order given."""
    with ThreadPoolExecutor(max_workers=len(lanes)) as pool:
        futures = [pool.submit(lane) for lane in lanes]
        return [f.result() for f in futures]


def copy_vault(source: Path, target: Path) -> Path:
    """A copy of a closed vault folder (without its lock file)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("vault.lock"))
    return target


# -- a store for a module's tests: a vault, or a database on the test clinic server -------------


@dataclass
class CliTarget:
    """Where a module's runs go: `place` names it (--vault DIR, or --server URL --user NAME),
    `env` holds its secret, `actor` is who the audit log names (--as in a vault, the login on
    the server)."""

    kind: str
    place: list[str]
    env: dict[str, str]
    actor: str
    secret_var: str  # the variable holding the secret, and the flag that reads it from stdin
    stdin_flag: str
    fingerprint: Callable[[], str]
    filled: Run | None = None  # the `import` of the sample spreadsheet, for `cli_sample`

    @property
    def is_vault(self) -> bool:
        return self.kind == "vault"

    def options(self) -> list[str]:
        """The place, and --as on a vault (the server names the login; --as is refused there)."""
        return [*self.place, "--as", self.actor] if self.kind == "vault" else list(self.place)

    def cli(self, *args: str | os.PathLike[str], stdin: str | None = None) -> Run:
        """One run of `clinic-app` on this store (with --as on a vault)."""
        return run_cli(*self.options(), *args, env=self.env, stdin=stdin)

    def json(self, *args: str | os.PathLike[str]) -> Any:
        """A command's --json output, after checking it succeeded quietly."""
        return assert_ok(self.cli(*args, "--json")).json()

    def open(self) -> Any:
        """The store opened in this process (a Vault or a PostgresStore): for building a test's
        data through the services, or reading what a command left. Close it after use."""
        secret = self.env[self.secret_var]
        if self.is_vault:
            from clinic_app.services import vault_ops

            return vault_ops.open_vault(Path(self.place[1]), passphrase=secret, actor="tester")
        from clinic_app.store.postgres import PostgresStore

        return PostgresStore.connect(self.place[1], user=self.place[3], password=secret)

    def raw_sql(self, *statements: str) -> None:
        """Run SQL past the app in one transaction, as someone altering the store would: in the
        unlocked vault database, or as the test clinic server's login (its superuser)."""
        if self.is_vault:
            vault = self.open()
            try:
                with vault.engine.begin() as conn:
                    for statement in statements:
                        conn.exec_driver_sql(statement)
            finally:
                vault.close()
            return
        from clinic_app.store.postgres import make_engine

        engine = make_engine(self.place[1], self.place[3], self.env[self.secret_var])
        try:
            with engine.begin() as conn:
                for statement in statements:
                    conn.exec_driver_sql(statement)
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def cli_store_kind(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "vault"))


_cli_databases = itertools.count(1)
VaultMade = Literal["fast", "init", "named"]


def vault_target(folder: Path, env: dict[str, str]) -> CliTarget:
    """The CLI's way into the vault in `folder`, as the intake desk."""
    return CliTarget(
        "vault",
        ["--vault", str(folder)],
        env,
        "intake-desk",
        "CLINIC_APP_PASSPHRASE",
        "--passphrase-stdin",
        lambda: _vault_digest(folder),
    )


def server_target(cluster: Any, name: str, env: dict[str, str]) -> CliTarget:
    """The CLI's way into database `name` of the test clinic server, as its owner."""
    return CliTarget(
        "server",
        ["--server", cluster.url(name), "--user", cluster.user],
        env,
        cluster.user,
        "CLINIC_APP_PASSWORD",
        "--password-stdin",
        lambda: _database_digest(cluster, name),
    )


@contextmanager
def new_target(
    kind: str, base: Path, request: pytest.FixtureRequest, *, vault: VaultMade = "fast"
) -> Iterator[CliTarget]:
    """A new, empty store of `kind` under the folder `base`, removed afterwards: a database made
    from the test clinic server's template, or a vault made as `vault` says: "fast" through the
    services with the tests' cheap key derivation (each run's unlock is then as quick as the
    server's), "init" by `clinic-app init`, "named" only named (for commands that create it, such
    as `demo`)."""
    if kind == "vault":
        folder = base / "vault"
        env = make_env(base / "home")
        if vault == "fast":
            from clinic_app.services import vault_ops

            made, _code = vault_ops.create_vault(
                folder, passphrase=PASSPHRASE, actor="tester", kdf=FAST_KDF
            )
            made.close()
        elif vault == "init":
            assert_ok(run_cli("--vault", folder, "init", env=env))
        yield vault_target(folder, env)
        return
    cluster = request.getfixturevalue("pg_server")
    template = request.getfixturevalue("pg_template")
    where = re.sub(r"\W+", "_", str(request.node.name).removesuffix(".py")).lower()
    name = f"cli_{next(_cli_databases)}_{where}"[:60]
    cluster.create_database(name, template=template)
    env = make_env(base / "home", passphrase=None, CLINIC_APP_PASSWORD=cluster.password)
    try:
        yield server_target(cluster, name, env)
    finally:
        cluster.drop_database(name)


@pytest.fixture(scope="module")
def cli_target(
    cli_store_kind: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CliTarget]:
    """A new, empty store for a module's CLI runs (made with `init` for a vault)."""
    with new_target(
        cli_store_kind, tmp_path_factory.mktemp("cli"), request, vault="init"
    ) as target:
        yield target


@pytest.fixture(scope="module")
def cli_sample(
    cli_store_kind: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CliTarget]:
    """A module's store (its own, apart from `cli_target`) filled with the sample spreadsheet by
    `import` (--as intake-desk on a vault); `filled` is that run. Tests may read it and add
    records of their own, but must not change or remove the sample's."""
    with new_target(cli_store_kind, tmp_path_factory.mktemp("cli"), request) as target:
        target.filled = assert_ok(target.cli("import", SAMPLE_CSV))
        yield target


@pytest.fixture(scope="module")
def cli_empty(
    cli_store_kind: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CliTarget]:
    """A module's store that stays empty (its own, apart from `cli_target`): for dry runs,
    refused input and failing imports, checked with `fingerprint()`."""
    with new_target(cli_store_kind, tmp_path_factory.mktemp("cli"), request) as target:
        yield target


@pytest.fixture
def cli_blank(
    cli_store_kind: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], CliTarget]]:
    """Makes places with no records yet, for commands that fill or create a store (`demo`):
    a vault folder not yet made, or a new, empty database on the clinic server. Removed after
    the test."""
    with ExitStack() as stack:

        def make() -> CliTarget:
            base = tmp_path_factory.mktemp("cli")
            return stack.enter_context(new_target(cli_store_kind, base, request, vault="named"))

        yield make


def _vault_digest(folder: Path) -> str:
    """The vault's database file, hashed (a folder with no vault: a fixed marker)."""
    db = folder / "vault.db"
    return hashlib.sha256(db.read_bytes()).hexdigest() if db.exists() else "no vault"


def _database_digest(cluster: Any, name: str) -> str:
    """Every row of every table of a server database, hashed: equal means nothing was written."""
    from sqlalchemy import text

    from clinic_app.vault.schema import metadata

    engine = cluster.admin_engine(name)
    digest = hashlib.sha256()
    try:
        with engine.connect() as conn:
            for table in [*sorted(metadata.tables), "client_search", "file_blob"]:
                rows = conn.execute(text(f'SELECT * FROM "{table}"')).all()
                digest.update(repr(sorted(repr(tuple(r)) for r in rows)).encode())
    finally:
        engine.dispose()
    return digest.hexdigest()


# -- shared vaults ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SharedVault:
    folder: Path
    env: dict[str, str]  # HOME under the session's temporary folder, the right passphrase set
    created: Run  # the `init` (or `demo`) run that made it
    filled: Run | None = None  # the first `import`, for the sample vault


@pytest.fixture
def cli_env(isolated_home: Path) -> dict[str, str]:
    """Environment for a test's own runs: its isolated HOME, the test passphrase set."""
    return make_env(isolated_home)


@pytest.fixture(scope="session")
def sample_vault(tmp_path_factory: pytest.TempPathFactory) -> SharedVault:
    """A vault made with `init`, then filled with the sample spreadsheet by `import`.

    Tests may read it and add audit events (backups, re-imports that match everything) but must
    not change its clients or its passphrase.
    """
    base = tmp_path_factory.mktemp("sample")
    env = make_env(base / "home")
    folder = base / "vault"
    created = assert_ok(run_cli("--vault", folder, "init", env=env))
    filled = assert_ok(
        run_cli("--vault", folder, "--as", "intake-desk", "import", SAMPLE_CSV, env=env)
    )
    return SharedVault(folder, env, created, filled)


@pytest.fixture(scope="session")
def sample_clients_json(sample_vault: SharedVault) -> str:
    """`clients --json` of the sample vault, as printed."""
    return assert_ok(
        run_cli("--vault", sample_vault.folder, "clients", "--json", env=sample_vault.env)
    ).stdout


@pytest.fixture(scope="session")
def demo_400(tmp_path_factory: pytest.TempPathFactory) -> SharedVault:
    """A demo vault with 400 workers (a database of about a hundred pages). Copy it before damaging."""
    base = tmp_path_factory.mktemp("demo400")
    env = make_env(base / "home")
    folder = base / "vault"
    created = assert_ok(
        run_cli(
            "--vault",
            folder,
            "demo",
            "--clients",
            "400",
            "--seed",
            "3",
            "--today",
            "2026-01-01",
            env=env,
        )
    )
    return SharedVault(folder, env, created)
