"""Deadlines: rule packs (data), the pure deadline engine, reminders and calendar export."""
