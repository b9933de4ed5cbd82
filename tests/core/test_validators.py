"""Validators for A-numbers, receipt numbers, dates, languages, and accent folding."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinic_app.domain import validators as v
from clinic_app.domain.text import fold, full_name, words
from clinic_app.errors import ValidationError
from clinic_app.i18n import set_language

ASCII_DIGITS = st.text(alphabet="0123456789", min_size=7, max_size=9)
SEPARATORS = st.sampled_from(["", " ", "-", ".", "  ", " - "])

# -- A-numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("A-12-345-678", "A012345678"),
        ("a 012345678", "A012345678"),
        ("12345678", "A012345678"),
        ("A012345678", "A012345678"),
        ("1234567", "A001234567"),
        ("A 987 654 321", "A987654321"),
        ("  a.123.456.789 ", "A123456789"),
    ],
)
def test_a_number_spellings(typed: str, stored: str) -> None:
    assert v.normalize_a_number(typed) == stored


@pytest.mark.parametrize("blank", [None, "", "   ", " - "])
def test_blank_a_number_is_none(blank: str | None) -> None:
    assert v.normalize_a_number(blank) is None


@pytest.mark.parametrize(
    "bad",
    [
        "123456",
        "1234567890",
        "B12345678",
        "AA12345678",
        "A12345X78",
        "A-",
        "12345678A",
        "A 1234 5678 90",
        "one two three",
    ],
)
def test_bad_a_numbers_are_refused_naming_the_field(bad: str) -> None:
    with pytest.raises(ValidationError) as info:
        v.normalize_a_number(bad, "a_number")
    assert info.value.field == "a_number"
    assert str(info.value).startswith("a_number: ")
    assert "7 to 9 digits" in info.value.problem


@settings(max_examples=200, deadline=None)
@given(
    digits=ASCII_DIGITS,
    prefix=st.sampled_from(["", "A", "a", "A-", "a "]),
    seps=st.lists(SEPARATORS, min_size=9, max_size=9),
)
def test_any_spelling_of_a_valid_a_number_normalizes(
    digits: str, prefix: str, seps: list[str]
) -> None:
    typed = prefix + "".join(d + s for d, s in zip(digits, seps, strict=False))
    assert v.normalize_a_number(typed) == "A" + digits.zfill(9)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_a_number_on_arbitrary_text_returns_a_number_or_raises_validation_error(text: str) -> None:
    try:
        result = v.normalize_a_number(text)
    except ValidationError as exc:
        assert exc.field == "A-number"
        return
    if result is not None:
        assert len(result) == 10 and result[0] == "A" and result[1:].isdigit()
    assert v.looks_like_a_number(text) == result


@pytest.mark.parametrize("typed", ["١٢٣٤٥٦٧٨", "１２３４５６７８", "A۰۱۲۳۴۵۶۷۸"])
def test_a_number_is_stored_with_ascii_digits(typed: str) -> None:
    try:
        result = v.normalize_a_number(typed)
    except ValidationError:
        return  # refusing is acceptable
    assert result is not None and re.fullmatch(r"A[0-9]{9}", result), result


# -- receipt numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("IOE0123456789", "IOE0123456789"),
        ("ioe-0123456789", "IOE0123456789"),
        (" eac 012 345 6789 ", "EAC0123456789"),
        ("WAC-01-234-56789", "WAC0123456789"),
    ],
)
def test_receipt_number_spellings(typed: str, stored: str) -> None:
    assert v.normalize_receipt_number(typed) == stored


@pytest.mark.parametrize(
    "bad",
    [
        "IO0123456789",
        "IOE012345678",
        "IOE01234567890",
        "1230123456789",
        "IOEO123456789",
        "I0E0123456789",
    ],
)
def test_bad_receipt_numbers_are_refused(bad: str) -> None:
    with pytest.raises(ValidationError) as info:
        v.normalize_receipt_number(bad)
    assert info.value.field == "receipt number"
    assert "3 letters and 10 digits" in info.value.problem


def test_blank_receipt_is_none() -> None:
    assert v.normalize_receipt_number(None) is None
    assert v.normalize_receipt_number(" - ") is None


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_receipt_on_arbitrary_text_never_raises_anything_else(text: str) -> None:
    try:
        result = v.normalize_receipt_number(text)
    except ValidationError:
        return
    if result is not None:
        assert len(result) == 13 and result[:3].isalpha() and result[:3].isupper()


# -- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2024-03-01", date(2024, 3, 1)),
        ("2024-3-1", date(2024, 3, 1)),
        ("03/01/2024", date(2024, 3, 1)),
        ("3/1/2024", date(2024, 3, 1)),
        (" 12/31/2023 ", date(2023, 12, 31)),
        ("02/29/2024", date(2024, 2, 29)),
        (date(2020, 5, 6), date(2020, 5, 6)),
        (datetime(2020, 5, 6, 13, 45), date(2020, 5, 6)),
    ],
)
def test_parse_date_accepts_iso_and_us(typed: object, expected: date) -> None:
    assert v.parse_date(typed, "filed date") == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_date_is_none(blank: str | None) -> None:
    assert v.parse_date(blank) is None


@pytest.mark.parametrize(
    "impossible",
    [
        "2023-02-30",
        "13/01/2024",
        "02/29/2023",
        "2024-00-10",
        "00/10/2024",
        "2024-04-31",
        "0000-01-01",
    ],
)
def test_impossible_dates_name_the_field(impossible: str) -> None:
    with pytest.raises(ValidationError) as info:
        v.parse_date(impossible, "deferred action end")
    assert info.value.field == "deferred action end"
    assert str(info.value).startswith("deferred action end: ")
    assert "not a real calendar date" in info.value.problem
    assert impossible in info.value.problem


@pytest.mark.parametrize(
    "garbled", ["2024/03/01", "March 1 2024", "1.3.2024", "tomorrow", "24-03-01", "03/01/24"]
)
def test_unreadable_dates_say_which_formats_work(garbled: str) -> None:
    with pytest.raises(ValidationError) as info:
        v.parse_date(garbled, "letter date")
    assert info.value.field == "letter date"
    assert "YYYY-MM-DD or MM/DD/YYYY" in info.value.problem


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parse_date_on_arbitrary_text_never_raises_anything_else(text: str) -> None:
    try:
        result = v.parse_date(text, "x")
    except ValidationError as exc:
        assert exc.field == "x"
        return
    assert result is None or isinstance(result, date)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1000, 1, 1)))
def test_parse_date_round_trips_both_formats(day: date) -> None:
    assert v.parse_date(day.isoformat()) == day
    assert v.parse_date(f"{day.month:02d}/{day.day:02d}/{day.year:04d}") == day


def test_check_order() -> None:
    v.check_order(date(2024, 1, 1), date(2024, 1, 1), "start", "end")
    v.check_order(None, date(2024, 1, 1), "start", "end")
    v.check_order(date(2024, 1, 1), None, "start", "end")
    with pytest.raises(ValidationError) as info:
        v.check_order(date(2024, 1, 2), date(2024, 1, 1), "grant start", "grant end")
    assert info.value.field == "grant end"
    assert "2024-01-01 is before 2024-01-02 (grant start)" in info.value.problem


# -- languages, e-mail, choices -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Spanish", "es"),
        ("spanish", "es"),
        ("Español", "es"),
        ("Spanish, mam", "es,mam"),
        ("Kreyòl; English", "ht,en"),
        ("es, Spanish, es", "es"),
        ("pt_BR", "pt-br"),
        ("K'iche'/Spanish", "quc,es"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_languages(typed: str | None, stored: str) -> None:
    assert v.normalize_languages(typed) == stored


@pytest.mark.parametrize(("typed", "stored"), [("ES", "es"), ("EN, es", "en,es")])
def test_upper_case_language_codes_are_accepted(typed: str, stored: str) -> None:
    assert v.normalize_languages(typed) == stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("árabe, tagalo", "ar,tl"),
        ("arabe", "ar"),
        ("K'iche', Mam", "quc,mam"),
        ("chino", "zh"),
        ("Ewe", "ee"),  # a name that looks like a code is read as the name
        ("ga", "ga"),  # a code that is also a name (Ga) stays the code typed (Irish)
    ],
)
def test_language_names_in_either_language_of_the_app_are_accepted(typed: str, stored: str) -> None:
    """The client form shows languages by name in the screen's language and takes them back."""
    assert v.normalize_languages(typed) == stored


@pytest.mark.parametrize("bad", ["Klingonese", "Spanglish", "es, Elvish", "12"])
def test_unknown_languages_are_refused(bad: str) -> None:
    with pytest.raises(ValidationError) as info:
        v.normalize_languages(bad)
    assert info.value.field == "preferred language"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_languages_on_arbitrary_text_never_raise_anything_else(text: str) -> None:
    with contextlib.suppress(ValidationError):
        v.normalize_languages(text)


def test_email_and_choice_and_required() -> None:
    assert v.normalize_email(" ana@example.org ") == "ana@example.org"
    assert v.normalize_email("") == ""
    with pytest.raises(ValidationError, match="email"):
        v.normalize_email("ana at example")
    assert v.choice("Attorney Review", ("attorney_review",), "status") == "attorney_review"
    assert v.choice("", ("a", "b"), "kind", "a") == "a"
    with pytest.raises(ValidationError) as info:
        v.choice("nope", ("a", "b"), "kind")
    assert info.value.field == "kind"
    with pytest.raises(ValidationError, match="program: is required"):
        v.require_text("  ", "program")


# -- folding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("José Pérez", "jose perez"),
        ("JOSÉ PÉREZ", "jose perez"),
        ("Đặng", "dang"),
        ("Nguyễn Thị Hương", "nguyen thi huong"),
        ("Søren Ærø", "soren aero"),
        ("Łukasz", "lukasz"),
        ("Straße", "strasse"),
        ("İbrahim Yılmaz", "ibrahim yilmaz"),
        ("Conceição", "conceicao"),
        ("ＡＮＡ", "ana"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_words_and_full_name() -> None:
    assert words("José-María O'Brien, 2nd") == ["jose", "maria", "o", "brien", "2nd"]
    assert words("***") == []
    assert full_name("Suharti", "") == "Suharti"
    assert full_name(" Ana Lucía ", " Hernández López ") == "Ana Lucía Hernández López"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fold_has_no_accents_or_capitals_left(text: str) -> None:
    import unicodedata

    found = words(text)
    assert all(word == word.casefold() for word in found)
    # A query is folded the same way as the index, so folding twice changes nothing.
    assert words(" ".join(found)) == found
    assert not any(unicodedata.combining(ch) for ch in "".join(words(text)))


# -- more properties: every validator, on any text ------------------------------------------------

LETTERS = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", min_size=3, max_size=3
)
TEN_DIGITS = st.text(alphabet="0123456789", min_size=10, max_size=10)


@settings(max_examples=200, deadline=None)
@given(
    letters=LETTERS,
    digits=TEN_DIGITS,
    seps=st.lists(st.sampled_from(["", " ", "-", "  ", " - "]), min_size=13, max_size=13),
)
def test_any_spelling_of_a_valid_receipt_number_normalizes(
    letters: str, digits: str, seps: list[str]
) -> None:
    typed = "".join(ch + sep for ch, sep in zip(letters + digits, seps, strict=True))
    assert v.normalize_receipt_number(f" {typed} ") == letters.upper() + digits


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_email_on_arbitrary_text_is_kept_trimmed_or_refused(text: str) -> None:
    try:
        result = v.normalize_email(text)
    except ValidationError as exc:
        assert exc.field == "email" and "\n" not in exc.problem
        return
    assert result == text.strip()
    assert result == "" or ("@" in result and not any(ch.isspace() for ch in result))


@settings(max_examples=200, deadline=None)
@given(st.text(), st.sampled_from([("initial", "renewal", "extension"), ("open", "closed")]))
def test_choice_on_arbitrary_text_is_one_of_the_allowed_or_refused(
    text: str, allowed: tuple[str, ...]
) -> None:
    try:
        result = v.choice(text, allowed, "kind", default=allowed[0])
    except ValidationError as exc:
        assert exc.field == "kind" and "\n" not in exc.problem
        return
    assert result in allowed


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_dates_on_the_command_line_are_a_date_or_one_user_error(text: str) -> None:
    from clinic_app.errors import UserError
    from clinic_app.validation_dates import parse_cli_date

    try:
        result = parse_cli_date(text, "--today")
    except UserError as exc:
        assert exc.message.startswith("--today: ") and "\n" not in exc.message
        return
    assert result is None or isinstance(result, date)


@settings(max_examples=200, deadline=None)
@given(
    st.text(), st.sampled_from(["a_number", "receipt_number", "date_of_birth", "email", "phone"])
)
def test_the_editor_field_check_never_raises(text: str, name: str) -> None:
    """What the client editor calls on every keystroke: a message or None, never an exception."""
    from clinic_app.services.clients import check_field

    message = check_field(name=name, value=text)
    assert message is None or (isinstance(message, str) and message.strip())


# -- dates in the person's own order -----------------------------------------------------


@pytest.fixture
def spanish_catalog() -> Iterator[None]:
    set_language("es")
    yield
    set_language("en")


def test_spanish_reads_day_first_and_iso_always() -> None:
    assert v.parse_date("05/02/2026", "fecha", lang="es") == date(2026, 2, 5)
    assert v.parse_date("5/2/2026", "fecha", lang="es") == date(2026, 2, 5)
    assert v.parse_date("2026-02-05", "fecha", lang="es") == date(2026, 2, 5)
    assert v.parse_date("05/02/2026", "date") == date(2026, 5, 2)  # the command line: US order


def test_a_bad_spanish_date_names_the_spanish_format(spanish_catalog: None) -> None:
    with pytest.raises(ValidationError) as info:
        v.parse_date("02/31/2026", "fecha del aviso", lang="es")
    assert info.value.problem == (
        "«02/31/2026» no es una fecha real del calendario; escriba AAAA-MM-DD o DD/MM/AAAA "
        "(primero el día)."
    )
    with pytest.raises(ValidationError) as info:
        v.parse_date("mañana", "fecha del aviso", lang="es")
    assert info.value.problem == "«mañana» no es una fecha; escriba AAAA-MM-DD o DD/MM/AAAA."


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=date(1000, 1, 1)))
def test_spanish_day_first_round_trips(day: date) -> None:
    assert v.parse_date(f"{day.day:02d}/{day.month:02d}/{day.year:04d}", lang="es") == day
