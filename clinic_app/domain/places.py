"""US states: codes, names, reading a state from an address, and whether a place rule applies."""

from __future__ import annotations

import re
from collections.abc import Sequence

from clinic_app.domain.text import fold
from clinic_app.errors import ValidationError
from clinic_app.i18n import _

# The 50 states, DC and the territories USCIS serves; codes as the Postal Service writes them.
STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "PR": "Puerto Rico", "GU": "Guam", "VI": "U.S. Virgin Islands", "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
}  # fmt: skip
_BY_NAME = {fold(name): code for code, name in STATES.items()}
# "Springfield, IL 62701" or "El Paso TX 79901" at the end of an address line.
_CODE_ZIP = re.compile(r"(?:^|[\s,])([A-Za-z]{2})\.?\s+\d{5}(?:-\d{4})?\s*$")
_NAME_TAIL = re.compile(r"[,\s]\s*([A-Za-z .]+?)\.?(?:\s+\d{5}(?:-\d{4})?)?\s*$")


def normalize_state(value: str | None, field: str = "state") -> str:
    """'tx', 'Texas' or 'TX' -> 'TX'; empty stays empty; anything else is an error."""
    text = (value or "").strip().rstrip(".")
    if not text:
        return ""
    code = text.upper()
    if code in STATES:
        return code
    found = _BY_NAME.get(fold(text))
    if found is None:
        raise ValidationError(
            field,
            _("'{text}' is not a US state; give its two-letter code (TX) or its name.").format(
                text=text
            ),
        )
    return found


def state_from_address(address: str) -> str:
    """The state an address names on its last lines, or "" when none can be read for sure."""
    for line in reversed([ln.strip() for ln in address.splitlines() if ln.strip()]):
        match = _CODE_ZIP.search(line)
        if match and match.group(1).upper() in STATES:
            return match.group(1).upper()
        tail = _NAME_TAIL.search(" " + line)
        if tail:
            words = tail.group(1).split()
            # The longest run of final words that names a state ("New Mexico", not "Mexico").
            for start in range(max(0, len(words) - 4), len(words)):
                name = fold(" ".join(words[start:]))
                if name in _BY_NAME:
                    return _BY_NAME[name]
            if len(words) == 1 and words[0].upper() in STATES and "," in line:
                return words[0].upper()
    return ""


def applies_in(state: str, where: Sequence[str], except_: Sequence[str]) -> bool:
    """Whether a rule limited to `where` (or excluding `except_`) applies to `state`.

    A client whose state is unknown gets the rule: a date is never hidden for a missing fact.
    """
    if not state:
        return True
    if where and state not in where:
        return False
    return state not in except_


def state_name(code: str) -> str:
    return STATES.get(code, code)
