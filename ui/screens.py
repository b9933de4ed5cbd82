"""The main window's screens, each built (and its module imported) the first time it is needed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clinic_app.i18n import N_

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from ui.pages.base import Page

# In the sidebar's order; the titles are the screens' own (`Page.title`), here so the sidebar
# can list them before any screen is built.
SCREENS: tuple[tuple[str, str], ...] = (
    ("today", N_("Today")),
    ("clients", N_("Clients")),
    ("matters", N_("Matters")),
    ("employers", N_("Employers & letters")),
    ("deadlines", N_("Deadlines")),
    ("documents", N_("Documents")),
    ("settings", N_("Settings")),
)
NAMES = tuple(name for name, _title in SCREENS)


def build(window: MainWindow, name: str) -> Page:
    """Screen `name` of `window`, with its signals wired to the window (which builds any other
    screen a signal leads to only when it fires)."""
    page: Page
    if name == "today":
        from ui.pages.today import TodayPage

        page = today = TodayPage(window.bus)
        today.open_matter.connect(window.open_matter)
    elif name == "clients":
        from ui.pages.clients import ClientsPage

        page = clients = ClientsPage(window.bus)
        clients.open_matter.connect(window.open_matter)
    elif name == "matters":
        from ui.pages.matters import MattersPage

        page = matters = MattersPage(window.bus)
        matters.panel.draft_requested.connect(window.draft_for_matter)
        matters.panel.task_requested.connect(lambda *args: window.deadlines.add_task(*args))
    elif name == "employers":
        from ui.pages.employers import EmployersPage

        page = employers = EmployersPage(window.bus)
        employers.open_matter.connect(window.open_matter)
        employers.prepare_packets.connect(window.draft_for_letter)
    elif name == "deadlines":
        from ui.pages.deadlines import DeadlinesPage

        page = deadlines = DeadlinesPage(window.bus)
        deadlines.open_matter.connect(window.open_matter)
    elif name == "documents":
        from ui.pages.documents import DocumentsPage

        page = documents = DocumentsPage(window.bus, window.background)
        documents.clinic_settings_needed.connect(window.open_clinic_settings)
    elif name == "settings":
        from ui.pages.settings import SettingsPage

        page = settings = SettingsPage(window.bus, window.background)
        settings.autolock_changed.connect(window.set_autolock_minutes)
        settings.language_changed.connect(window.language_changed.emit)
    else:
        raise KeyError(name)
    return page
