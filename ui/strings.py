"""Texts the screens build inside f-strings, marked here so gettext extraction finds them.

Python 3.11's tokenizer hands f-strings to the extractor whole, so `_()` calls inside them
are translated at run time but never extracted; listing the texts here closes that gap.
"""

from __future__ import annotations

from clinic_app.i18n import N_

IN_F_STRINGS = (
    N_("Safe contact"),
    N_("Matters"),
    N_("No matters yet."),
    N_("no receipt yet"),
    N_("Notes"),
    N_("Grants"),
    N_("No grant recorded."),
    N_("terminated"),
    N_("Timeline"),
    N_("No notices yet. Add the receipt, biometrics or RFE notices as they arrive."),
    N_("due"),
    N_("mailed"),
    N_("Dispute"),
    N_("Today, {date}"),
)
