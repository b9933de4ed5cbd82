"""`python -m clinic_app` runs the command line (and, with no subcommand, the desktop app)."""

from __future__ import annotations

from clinic_app.cli.main import main

if __name__ == "__main__":
    import multiprocessing

    multiprocessing.freeze_support()  # batch rendering starts worker processes, also in frozen builds
    raise SystemExit(main())
