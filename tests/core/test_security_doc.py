"""docs/security.md names the tests behind each claim: every one it names must exist."""

from __future__ import annotations

import re

from tests.core.helpers import ROOT

DOC = ROOT / "docs" / "security.md"
# `tests/x/test_y.py::test_z`, `tests/x/test_y.py`, and a bare `::test_z` or `test_z` (a test of
# the file named last before it).
NODE = re.compile(r"`(tests/[\w/]+\.py)?(?:::)?(test_\w+)?`")


def test_every_test_the_threat_model_names_exists() -> None:
    text = DOC.read_text("utf-8")
    missing, named, current = [], 0, None
    for match in NODE.finditer(text):
        path, name = match.groups()
        if path is None and name is None:
            continue
        if path is not None:
            current = ROOT / path
            if not current.is_file():
                missing.append(path)
                continue
        if name is not None:
            assert current is not None, f"::{name} with no file before it"
            named += 1
            if not re.search(rf"^def {name}\(", current.read_text("utf-8"), re.M):
                missing.append(f"{current.relative_to(ROOT)}::{name}")
    assert missing == []
    assert named >= 20  # the page really links tests (the pattern above still matches them)
