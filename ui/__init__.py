"""The desktop front end (PySide6); it talks to the core only through clinic_app.services."""
