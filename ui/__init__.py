"""The desktop front end (PySide6); it talks to the core only through clinic_app.services."""

from ui.quick_imports import quicken

quicken()  # before the rest of the app loads (ui/quick_imports.py)
