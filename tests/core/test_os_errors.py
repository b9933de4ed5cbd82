"""clinic_app.os_errors: the system's refusals as plain sentences, from real failed calls."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from clinic_app.cli.main import main
from clinic_app.i18n import set_language
from clinic_app.os_errors import os_error_sentence, read_error_sentence, refused_sentence
from clinic_app.services import vault_ops
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.test_disk_full import fill_disk

OS_TEXT = ("errno", "No space left", "Not a directory", "Is a directory", "No such file")


def _raised(call: object, *args: object) -> OSError:
    with pytest.raises(OSError) as caught:
        call(*args)  # type: ignore[operator]
    return caught.value


def test_real_failures_become_sentences(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    under = plain / "out.ics"
    sentence = os_error_sentence(_raised(open, under, "wb"), under)
    assert sentence == (
        f"{under} cannot be used because part of its path is a file, not a folder; check the "
        "path and try again."
    )
    assert os_error_sentence(_raised(open, tmp_path, "wb"), tmp_path).startswith(
        f"{tmp_path} is a folder, not a file;"
    )
    missing = tmp_path / "gone" / "out.ics"
    assert "a folder on its path does not exist" in os_error_sentence(
        _raised(open, missing, "wb"), missing
    )
    assert read_error_sentence(_raised(open, missing, "rb"), missing) == (
        f"{missing} does not exist; check the name and the folder and try again."
    )
    long = tmp_path / ("y" * 300)
    assert "too long for the disk" in os_error_sentence(_raised(open, long, "wb"), long)
    # mkdir(exist_ok=True) meeting a file says EEXIST: it is a file on the path, not a clash.
    deeper = plain / "a" / "b"
    made = _raised(deeper.mkdir, 0o777, True, True)
    assert made.errno in (errno.EEXIST, errno.ENOTDIR)
    assert "part of its path is a file" in os_error_sentence(made, deeper, unchanged=True)
    assert os_error_sentence(made, deeper, unchanged=True).endswith("(nothing was changed).")


@pytest.mark.parametrize(
    ("code", "says"),
    [
        (errno.EBUSY, "is in use by another program; close that program"),
        (errno.EROFS, "is on a read-only disk; choose a folder on another disk"),
        (errno.EACCES, "You are not allowed to write to"),
        (errno.ENOSPC, "is full; free some space on it"),
    ],
)
def test_causes_root_cannot_provoke_still_name_the_fix(code: int, says: str) -> None:
    # A busy device, a read-only disk and a refused permission do not stop root (the CI user):
    # these are the errors the system raises for them, as Python builds them.
    exc = OSError(code, os.strerror(code), "/media/usb/clinic.backup")
    sentence = os_error_sentence(exc, "/media/usb/clinic.backup")
    assert says in sentence and "/media/usb/clinic.backup" in sentence
    assert os.strerror(code) not in sentence


def test_unknown_causes_say_what_failed_then_the_system_text() -> None:
    exc = OSError(errno.ENOLCK, os.strerror(errno.ENOLCK), "/srv/share/vault.db")
    assert os_error_sentence(exc, "/srv/share/vault.db") == (
        f"Could not write to /srv/share/vault.db ({os.strerror(errno.ENOLCK)})."
    )
    assert refused_sentence(ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")) == (
        "The computer refused to finish this (Connection refused); nothing more was changed."
    )


def test_a_full_disk_on_a_spanish_screen_shows_no_system_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    vault, _ = vault_ops.create_vault(
        tmp_path / "vault", passphrase=PASSPHRASE, actor="tester", kdf=FAST_KDF
    )
    vault.close()
    usb = tmp_path / "usb"
    usb.mkdir()
    fill_disk(monkeypatch, usb)  # the project's full disk: writes there meet /dev/full (ENOSPC)
    monkeypatch.setenv("CLINIC_APP_PASSPHRASE", PASSPHRASE)
    try:
        code = main(
            ["--lang", "es", "--vault", str(vault.folder), "deadlines", "--ics", str(usb / "c.ics")]
        )
    finally:
        set_language(None)
    _out, err = capsys.readouterr()
    assert code == 1
    [line] = err.splitlines()
    assert str(usb) in line
    assert not any(text.lower() in line.lower() for text in OS_TEXT), line
    assert list(usb.iterdir()) == []
