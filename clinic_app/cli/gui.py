"""Starting the desktop app from the CLI, or saying clearly why it cannot start here."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from clinic_app.cli import secrets
from clinic_app.cli.context import actor, vault_dir
from clinic_app.errors import UserError
from clinic_app.i18n import N_, _

NO_DISPLAY = N_(
    "No display is available, so the desktop app cannot open a window here. "
    "Run it on a desktop session, or under a virtual screen with 'xvfb-run clinic-app', "
    "or save pictures of its screens with 'clinic-app --screenshot DIR'."
)


def _has_library(name: str) -> bool:
    """Whether the shared library lib<name> can be loaded: the system's, or a frozen build's copy."""
    # A frozen build ships these libraries itself (packaging/clinic-app.spec); find_library only
    # searches the system, so it would report them missing on a machine that never installed them.
    bundled = getattr(sys, "_MEIPASS", None)
    if bundled and any(Path(bundled).glob(f"lib{name}.so*")):
        return True
    import ctypes.util  # here, not at the top: it loads subprocess, and only X11 needs it

    return ctypes.util.find_library(name) is not None


def display_problem() -> str | None:
    """One sentence saying why Qt cannot show a window, or None when it can."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform or sys.platform != "linux":
        return None
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        return _(NO_DISPLAY)
    if os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        missing = [
            lib
            for lib in ("xcb-cursor", "xcb-icccm", "xcb-keysyms", "xkbcommon-x11")
            if not _has_library(lib)
        ]
        if missing:
            return _(
                "Qt needs system libraries that are missing ({libraries}); install them with: "
                "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 "
                "libxkbcommon-x11-0"
            ).format(libraries=", ".join(f"lib{m}" for m in missing))
    return None


def _ui_app() -> object:
    # The core never imports Qt at module level; the desktop app is loaded only when asked for.
    return importlib.import_module("ui.app")


def launch(args: argparse.Namespace) -> int:
    problem = display_problem()
    if problem:
        raise UserError(problem)
    app = _ui_app()
    return int(
        app.run(  # type: ignore[attr-defined]
            vault_dir=vault_dir(args), actor=actor(args), lang=getattr(args, "ui_lang", None)
        )
    )


def screenshot_size(text: str) -> tuple[int, int]:
    """'1366x768' as (width, height), or one sentence naming the flag."""
    parts = text.lower().replace("×", "x").split("x")
    if len(parts) == 2 and all(p.strip().isdigit() for p in parts):
        width, height = int(parts[0]), int(parts[1])
        if 320 <= width <= 10000 and 240 <= height <= 10000:
            return width, height
    raise UserError(
        _("--size '{text}' is not a window size; use WIDTHxHEIGHT, like 1366x768.").format(
            text=text
        )
    )


def take_screenshots(args: argparse.Namespace, out_dir: str | Path) -> int:
    """Render the unlock screen and the main window of the vault offscreen to PNG files."""
    size = screenshot_size(getattr(args, "size", None) or "1366x768")
    passphrase = secrets.vault_passphrase(args)
    if not getattr(args, "real_data", False):
        refuse_real_data(args, passphrase)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    app = _ui_app()
    written = app.screenshots(  # type: ignore[attr-defined]
        vault_dir=vault_dir(args),
        passphrase=passphrase,
        actor=actor(args),
        out_dir=out,
        size=size,
        lang=getattr(args, "ui_lang", None),
    )
    for path in written:
        print(path)
    return 0


def refuse_real_data(args: argparse.Namespace, passphrase: str) -> None:
    """Screenshots of real clients would be plain PNG files on disk: only demo vaults, unless asked."""
    from clinic_app.cli.context import open_vault_with
    from clinic_app.services import demo

    with open_vault_with(args, passphrase) as vault:
        invented = demo.is_demo_vault(vault)
    if not invented:
        raise UserError(
            _(
                "{folder} is not a demo vault, and screenshots are unencrypted PNG files that would "
                "show its clients; add --real-data to take them anyway, or use a demo vault "
                "('clinic-app --vault DIR demo --screenshot OUT')."
            ).format(folder=vault_dir(args))
        )
