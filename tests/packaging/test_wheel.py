"""The wheel: built from the checkout, installed into a fresh venv, run from outside the checkout.

Dependencies are not downloaded again: the fresh venv reads them from this venv's site-packages
through a .pth line, while its own copy of clinic_app (and ui) comes first on sys.path.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "wheel test passphrase"


def pyproject_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


@dataclass(frozen=True)
class Installed:
    wheel: Path
    python: Path
    script: Path
    site_packages: Path
    workdir: Path  # outside the checkout
    env: dict[str, str]

    def run(self, *args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [str(self.script), *map(str, args)],
            cwd=self.workdir,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert proc.returncode == 0, f"clinic-app {args} -> {proc.returncode}\n{proc.stderr}"
        return proc


def build_wheel(out: Path) -> Path:
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out)]
    if importlib.util.find_spec("hatchling") is not None:
        # The dev extra installs the backend, so the build needs no network; without it, pip
        # fetches hatchling into an isolated build environment (fine where the registry is reachable).
        command.append("--no-build-isolation")
    subprocess.run([*command, str(ROOT)], check=True, cwd=out, timeout=300)
    wheels = list(out.glob("clinic_app-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    base = tmp_path_factory.mktemp("wheel")
    wheel = build_wheel(base)
    target = base / "venv"
    venv.EnvBuilder(with_pip=False).create(target)  # this venv's pip installs into it
    python = target / "bin" / "python"
    install = ["install", "--quiet", "--no-deps", "--no-index", str(wheel)]
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), *install], check=True, timeout=300
    )
    site_packages = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    # A plain path line: the dependencies become importable, but that folder's own .pth files
    # (this checkout's editable install) are not run, so the checkout stays off sys.path.
    (site_packages / "zz_main_venv_dependencies.pth").write_text(
        sysconfig.get_path("purelib") + "\n", encoding="utf-8"
    )
    workdir = base / "elsewhere"
    home = workdir / "home"
    home.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLINIC_APP_", "PYTHON"))}
    env.pop("VIRTUAL_ENV", None)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".local/state"),
        QT_QPA_PLATFORM="offscreen",
        CLINIC_APP_PASSPHRASE=PASSPHRASE,
        CLINIC_APP_USER="wheel-test",
    )
    yield Installed(wheel, python, target / "bin" / "clinic-app", site_packages, workdir, env)


def test_wheel_holds_the_resources_and_migrations(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
    shipped = [
        p for p in (ROOT / "resources").rglob("*") if p.is_file() and not p.name.startswith(".")
    ]
    assert shipped
    for path in shipped:
        assert f"clinic_app/_resources/{path.relative_to(ROOT / 'resources').as_posix()}" in names
    assert "clinic_app/vault/migrations/env.py" in names
    assert any(n.startswith("clinic_app/vault/migrations/versions/0001") for n in names)
    assert "ui/app.py" in names
    assert not any("__pycache__" in n for n in names)


def test_installed_package_is_the_wheel_not_the_checkout(installed: Installed) -> None:
    probe = (
        "import json, importlib.util, clinic_app\n"
        "from clinic_app.resources import resources_root\n"
        "print(json.dumps({'package': clinic_app.__file__, 'version': clinic_app.__version__,\n"
        "  'resources': str(resources_root()), 'ui': importlib.util.find_spec('ui').origin}))\n"
    )
    proc = subprocess.run(
        [str(installed.python), "-c", probe],
        cwd=installed.workdir,
        env=installed.env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(proc.stdout)
    inside = installed.site_packages.resolve()
    for key in ("package", "resources", "ui"):
        assert Path(found[key]).resolve().is_relative_to(inside), found
        assert not Path(found[key]).resolve().is_relative_to(ROOT), found
    assert Path(found["resources"]).name == "_resources"
    assert found["version"] == pyproject_version()


def test_installed_console_script_runs_from_outside_the_checkout(installed: Installed) -> None:
    version = installed.run("--version").stdout.strip()
    assert version == f"clinic-app {pyproject_version()}"

    installed.run("--vault", "vault", "init")
    demo = installed.run("--vault", "vault", "demo", "--clients", "12", "--today", "2026-01-01")
    assert "12 workers" in demo.stdout

    resources = installed.site_packages / "clinic_app" / "_resources"
    templates = json.loads(installed.run("--vault", "vault", "templates", "--json").stdout)
    shipped = [t for t in templates if t["source"] == "shipped"]
    assert shipped and all(Path(t["path"]).is_relative_to(resources) for t in shipped), shipped
    programs = json.loads(installed.run("--vault", "vault", "rules", "show", "--json").stdout)
    packs = sorted(p.stem for p in (resources / "rules").glob("*.toml"))
    assert sorted(p["id"] for p in programs["programs"]) == packs

    out = installed.workdir / "drafts"
    rendered = installed.run(
        # --anyway: the demo's matter 1 is closed; what is tested is the installed program.
        "--vault",
        "vault",
        "render",
        "declaration",
        "--matter",
        "1",
        "--out",
        out,
        "--json",
        "--anyway",
    )
    document = json.loads(rendered.stdout)["documents"][0]
    assert Path(document["path"]).is_file()
    assert Path(document["path"]).stat().st_size > 5000
