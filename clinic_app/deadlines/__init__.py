"""Deadlines: rule packs (data), the pure deadline engine, reminders and calendar export.

Importing the package installs the session hook that keeps stored deadlines current.
"""

from clinic_app.deadlines import sync as _sync  # noqa: F401
