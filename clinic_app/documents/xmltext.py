"""The one escape for text written into Word documents: what XML cannot hold becomes a visible mark."""

from __future__ import annotations

import re

# XML 1.0 allows tab, newline, carriage return and most of Unicode; anything else (a vertical tab
# stored before names were checked, a lone surrogate) would make python-docx and lxml raise.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def docx_text(value: object) -> str:
    """`value` as text Word can hold: characters XML forbids become U+FFFD (shown as �)."""
    return _NOT_XML.sub(REPLACEMENT, str(value))
