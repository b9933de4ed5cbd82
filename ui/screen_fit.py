"""The window fits the screen it is on: sized to the available area, never restored larger."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

PREFERRED = QSize(1366, 768)  # a typical clinic laptop; larger screens get this much
# Title bar and borders the window manager adds around the window, before it is first shown.
FRAME_ALLOWANCE = QSize(8, 36)


def available_area(window: QWidget) -> QRect:
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 768)


def fit_to_screen(window: QWidget) -> None:
    """First start: as large as the preferred size allows inside the screen's available area
    (taskbar and panels excluded), centred in it."""
    area = available_area(window)
    width = min(PREFERRED.width(), area.width() - FRAME_ALLOWANCE.width())
    height = min(PREFERRED.height(), area.height() - FRAME_ALLOWANCE.height())
    window.resize(max(640, width), max(480, height))
    window.move(
        area.x() + max(0, (area.width() - window.width()) // 2),
        area.y() + max(0, (area.height() - window.height() - FRAME_ALLOWANCE.height()) // 2),
    )


def clamp_to_screen(window: QWidget) -> None:
    """After restoring a saved layout: never larger than the available area, never off it (the
    laptop may have been docked to a big monitor when the layout was saved)."""
    area = available_area(window)
    frame = window.frameGeometry()
    extra_w = max(0, frame.width() - window.width()) or FRAME_ALLOWANCE.width()
    extra_h = max(0, frame.height() - window.height()) or FRAME_ALLOWANCE.height()
    width = min(window.width(), area.width() - extra_w)
    height = min(window.height(), area.height() - extra_h)
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)
    x = min(max(window.x(), area.x()), area.right() - width - extra_w + 1)
    y = min(max(window.y(), area.y()), area.bottom() - height - extra_h + 1)
    if (x, y) != (window.x(), window.y()):
        window.move(max(area.x(), x), max(area.y(), y))
