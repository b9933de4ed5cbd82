"""Every shipped template, in each language, over matters in each grant state, through a real
office suite: LibreOffice makes the PDFs (kept in test-artifacts/office-pdf/ for a person to look
at), poppler reads them back page by page."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from clinic_app.documents.engine import read_text
from clinic_app.resources import resource_path
from clinic_app.services import documents, vault_ops
from tests.case_states import EXPECTED, TODAY, build
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.helpers import ROOT

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="needs LibreOffice and poppler (scripts/setup.sh installs libreoffice-writer-nogui "
    "and poppler-utils)",
)

# Pages a filing or a letter may take: more means text ran away, fewer means it went missing.
PAGES = {
    "declaration": (1, 4),  # the body, then a certificate on its own page when one applies
    "cover-letter-initial": (1, 3),
    "cover-letter-renewal": (1, 3),
    "soi-request": (2, 3),
    "client-appointment-reminder": (1, 2),
    "client-renewal-reminder": (1, 2),
    "client-work-permit-expiring": (1, 2),
    "client-policy-change": (1, 2),
    "client-grant-terminated": (1, 2),
}
ARTIFACTS = ROOT / "test-artifacts" / "office-pdf"
FOOTER = re.compile(r"(?:Page|Página) (\d+) (?:of|de) (\d+)")
SIGNATURE_START = re.compile(r"^(_{10,}|Respectfully|Sincerely|Atentamente|\[Signature\])")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[Path, str]]:
    """{pdf: template id} for every document the worksite's matters accept, in each language."""
    base = tmp_path_factory.mktemp("office")
    vault, _code = vault_ops.create_vault(
        base / "vault", passphrase=PASSPHRASE, actor="tester", kdf=FAST_KDF
    )
    docx = base / "docx"
    templates: dict[str, str] = {}
    try:
        site = build(vault)
        one_each = documents.MatterFilter(one_per_client=True)
        for template in [*EXPECTED, "soi-request"]:
            for lang in ("en", "es"):
                if not resource_path("templates", lang, f"{template}.docx").is_file():
                    continue
                report = documents.render_documents(
                    vault, template=template, letter_id=site.letter_id, lang=lang,
                    out_dir=docx / f"{template}.{lang}", today=TODAY, choose=one_each,
                )  # fmt: skip
                assert report.written, (template, lang)
                for doc in report.written:
                    assert doc.path is not None
                    flat = docx / f"{template}.{lang}.{doc.matter_id or 0}.docx"
                    doc.path.rename(flat)
                    templates[flat.stem] = template
    finally:
        vault.close()
    pdf = base / "pdf"
    # One office process for every file (starting LibreOffice is most of the cost), with a
    # profile of its own so it never touches (or waits for) a person's LibreOffice.
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{base / 'profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(pdf), *sorted(str(p) for p in docx.glob("*.docx"))],
        check=True, capture_output=True, timeout=900, env={"HOME": str(base), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    # Kept where a person can open them after the run (pytest's own folders are recycled).
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    shutil.copytree(pdf, ARTIFACTS)
    yield {pdf / f"{stem}.pdf": template for stem, template in templates.items()}


def _pages(pdf: Path) -> list[list[str]]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=60
    ).stdout.decode("utf-8")
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return [[line.strip() for line in page.splitlines() if line.strip()] for page in pages]


def _bracket_words(template: str, lang: str) -> set[str]:
    """The first word of every place-to-write in the template ("[Describe …]")."""
    source = " ".join(read_text(resource_path("templates", lang, f"{template}.docx").read_bytes()))
    # Also with the tags taken out: "[{{ n }} other workers …]" is printed "[2 other workers …]".
    untagged = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", source)
    pattern = re.compile(r"\[\W*([^\W\d_]{2,})")
    return {m.group(1) for text in (source, untagged) for m in pattern.finditer(text)}


def test_every_document_converts_and_reads_as_filed(made: dict[Path, str]) -> None:
    assert len(made) >= 40
    for pdf, template in sorted(made.items()):
        assert pdf.is_file(), f"LibreOffice made no PDF of {pdf.stem}"
        pages = _pages(pdf)
        low, high = PAGES[template]
        assert low <= len(pages) <= high, (pdf.name, len(pages))
        allowed = _bracket_words(template, pdf.stem.split(".")[1])
        for number, lines in enumerate(pages, start=1):
            where = f"{pdf.name}, page {number}"
            # The footer, with the right numbers, on every page.
            footer = [m for line in lines if (m := FOOTER.search(line))]
            assert footer, where
            assert footer[-1].groups() == (str(number), str(len(pages))), where
            body = [line for line in lines if not FOOTER.search(line)]
            # A signature block never starts a page on its own.
            if number > 1 and body:
                assert not SIGNATURE_START.match(body[0]), (where, body[:4])
            text = "\n".join(lines)
            for leftover in ("{{", "}}", "{%", "%}"):
                assert leftover not in text, (where, leftover)
            assert not re.search(r"\bNone\b", re.sub(r"A-Number:\s+None", "", text)), where
            for found in re.finditer(r"\[\W*([^\W\d_]{2,})", text):
                assert found.group(1) in allowed, (where, text[found.start() : found.start() + 60])


def _words(pdf: Path) -> list[list[tuple[str, float, float, float]]]:
    """Per page, every word with its left edge, top and height, as poppler places them."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, timeout=60
    ).stdout.decode("utf-8")
    pages = []
    for page in html.split("<page ")[1:]:
        found = re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
            page,
        )
        pages.append([(m[4], float(m[1]), float(m[2]), float(m[3]) - float(m[2])) for m in found])
    return pages


def test_the_page_numbers_are_the_size_of_the_footer(made: dict[Path, str]) -> None:
    """'Page 2 of 3' in one size: a page-number field must not print at the body's size."""
    for pdf in sorted(made):
        for number, words in enumerate(_words(pdf), start=1):
            footer = words[-4:]
            assert footer[0][0] in ("Page", "Página"), (pdf.name, footer)
            heights = {round(w[3]) for w in footer}
            assert len(heights) == 1, (pdf.name, number, footer)


def test_the_signing_line_keeps_its_place_on_one_line(made: dict[Path, str]) -> None:
    """'Executed on ____ at ____ [city, state].' is one line in LibreOffice, in each language."""
    declarations = [pdf for pdf, template in made.items() if template == "declaration"]
    assert {pdf.stem.split(".")[1] for pdf in declarations} == {"en", "es"}
    for pdf in declarations:
        lines = [line for page in _pages(pdf) for line in page]
        (signing,) = [line for line in lines if line.startswith(("Executed on", "Firmado el"))]
        assert signing.endswith(("[city, state].", "[ciudad, estado].")), (pdf.name, signing)
