"""Templates are inert: nothing in a .docx may make Word fetch, load or run anything when opened.

A template is a file a clinic may receive from anyone, and a Word document can call home in many
ways: linked pictures and INCLUDETEXT/HYPERLINK/DDE fields, relationships with
TargetMode="External" (pictures, an attached template, OLE links, frames), embedded objects,
imported chunks (altChunk) and macros. A filled tag inside a field code would send client data
with the request. So a template (and every document filled from it) may hold only the fields an
ordinary letter needs (page numbers) and nothing that points outside the file.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from clinic_app.errors import UserError
from clinic_app.i18n import N_, _

ALLOWED_FIELDS = ("PAGE", "NUMPAGES", "SECTIONPAGES")
MAX_UNPACKED = 64 * 1024 * 1024  # far above any letter; a zip bomb is refused before parsing

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_O = "{urn:schemas-microsoft-com:office:office}"

# Relationship types (their last path segment) that load or run something besides the text.
_REFUSED_RELATIONSHIPS = {
    "attachedTemplate": N_("an attached template"),
    "oleObject": N_("an embedded or linked object (OLE)"),
    "package": N_("an embedded file"),
    "aFChunk": N_("an imported document (altChunk)"),
    "subDocument": N_("a sub-document"),
    "vbaProject": N_("macros"),
    "control": N_("an ActiveX control"),
    "activeXControlBinary": N_("an ActiveX control"),
    "frame": N_("a frame that loads another page"),
    "externalLink": N_("a link to another file"),
}
_REFUSED_ELEMENTS = {
    _W + "altChunk": N_("an imported document (altChunk)"),
    _W + "object": N_("an embedded object (OLE)"),
    _O + "OLEObject": N_("an embedded object (OLE)"),
    _W + "control": N_("an ActiveX control"),
    _W + "subDoc": N_("a sub-document"),
    _W + "attachedTemplate": N_("an attached template"),
}
_MACRO = re.compile(r"macroEnabled|vbaProject|vbaData|activeX|oleObject", re.I)
_LINK_ATTRIBUTES = frozenset({"src", "href", "link", "target", "dataSource"})
_REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:/|\\\\)", re.I)
_TAG = re.compile(r"\{[{%#]")
_LABELS = (
    (re.compile(r"word/document\d*\.xml$"), N_("body")),
    (re.compile(r"word/header\d*\.xml$"), N_("page header")),
    (re.compile(r"word/footer\d*\.xml$"), N_("page footer")),
    (re.compile(r"word/footnotes\.xml$"), N_("footnotes")),
    (re.compile(r"word/endnotes\.xml$"), N_("endnotes")),
    (re.compile(r"word/comments\.xml$"), N_("comments")),
    (re.compile(r"word/settings\.xml$"), N_("document settings")),
)
_FIX = N_("remove it in Word and save again; nothing was written")
# Parts already found inert, by name and content digest. Every document filled from a template
# repeats its style parts unchanged (hundreds of KB of XML), so a batch parses them once.
_PASSED: set[tuple[str, bytes]] = set()
_PASSED_LIMIT = 4096


class NotInert(UserError):
    """A template (or a filled document) that could make Word reach outside the file."""


def label(member: str) -> str:
    for pattern, name in _LABELS:
        if pattern.match(member):
            return _(name)
    return _("part {member}").format(member=member)


@dataclass
class _Field:
    code: str = ""
    judged: bool = False


def check(name: str, data: bytes) -> None:
    """Raise NotInert with one sentence naming the part and paragraph of the first problem."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise NotInert(
            _(
                "{name} is not a Word document (.docx); save it from Word as a .docx and try again."
            ).format(name=name)
        ) from exc
    with archive:
        members = archive.infolist()
        if sum(m.file_size for m in members) > MAX_UNPACKED:
            raise NotInert(
                _(
                    "{name} unpacks to more than {megabytes} MB, far more than any letter; save it again from Word without embedded media (nothing was written)."
                ).format(name=name, megabytes=MAX_UNPACKED // 2**20)
            )
        for info in members:
            if info.filename.lower().endswith(".bin") or "/embeddings/" in info.filename:
                what = _("macros") if "vba" in info.filename.lower() else _("an embedded object")
                raise NotInert(
                    _("{name} contains {what} ({filename}); {fix}.").format(
                        name=name, what=_(what), filename=info.filename, fix=_(_FIX)
                    )
                )
        xml = {
            m.filename: archive.read(m) for m in members if m.filename.endswith((".xml", ".rels"))
        }
    for member, blob in xml.items():
        key = (member, hashlib.sha256(blob).digest())
        if key in _PASSED:
            continue
        root = _parse(name, member, blob)
        if member == "[Content_Types].xml":
            _check_content_types(name, root)
        elif member.endswith(".rels"):
            _check_relationships(name, member, root, xml)
        else:
            _check_part(name, member, root)
        if len(_PASSED) >= _PASSED_LIMIT:
            _PASSED.clear()
        _PASSED.add(key)


def _parse(name: str, member: str, blob: bytes) -> ElementTree.Element:
    try:
        # The standard parser never fetches external entities; expat refuses entity bombs.
        return ElementTree.fromstring(blob)
    except ElementTree.ParseError as exc:
        raise NotInert(
            _(
                "{name} has a damaged part ({member}); save it again from Word and try again."
            ).format(name=name, member=member)
        ) from exc


def _check_content_types(name: str, root: ElementTree.Element) -> None:
    for entry in root:
        kind = entry.get("ContentType", "")
        if _MACRO.search(kind):
            raise NotInert(
                _(
                    "{name} is a document with macros or embedded objects ({kind}); save it as a plain Word document (.docx) without them; nothing was written."
                ).format(name=name, kind=kind)
            )


def _check_relationships(
    name: str, member: str, root: ElementTree.Element, xml: dict[str, bytes]
) -> None:
    # word/_rels/document.xml.rels describes word/document.xml.
    folder, _sep, rels_name = member.rpartition("_rels/")
    source = folder + rels_name.removesuffix(".rels")
    for rel in root.iter(_RELS + "Relationship"):
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        external = rel.get("TargetMode", "") == "External"
        what = _REFUSED_RELATIONSHIPS.get(kind)
        if what is None and not external:
            continue
        if what is None:
            what = _("a link to {target!r} (loaded from outside the file)").format(
                target=rel.get("Target", "")[:60]
            )
        where = _where_used(source, rel.get("Id", ""), xml)
        raise NotInert(
            _("{name} has {what} in the {where}; {fix}.").format(
                name=name, what=_(what), where=where, fix=_(_FIX)
            )
        )


def _where_used(source: str, rel_id: str, xml: dict[str, bytes]) -> str:
    """The part and paragraph that use a relationship (or just the part)."""
    blob = xml.get(source)
    if blob is None or not rel_id:
        return label(source)
    try:
        root = ElementTree.fromstring(blob)
    except ElementTree.ParseError:
        return label(source)
    for element, paragraph in _walk(root):
        if rel_id in (v for k, v in element.attrib.items() if k.startswith(_R)):
            return _place(source, paragraph)
    return label(source)


def _walk(root: ElementTree.Element) -> Iterator[tuple[ElementTree.Element, _Paragraph | None]]:
    """Every element in document order with the paragraph it is in (numbered from 1)."""
    count = 0
    stack: list[tuple[ElementTree.Element, _Paragraph | None]] = [(root, None)]
    while stack:
        element, paragraph = stack.pop()
        if element.tag == _W + "p":
            count += 1
            paragraph = _Paragraph(count, element)
        yield element, paragraph
        stack.extend((child, paragraph) for child in reversed(element))


@dataclass(frozen=True)
class _Paragraph:
    number: int
    element: ElementTree.Element

    def text(self) -> str:
        return "".join(t.text or "" for t in self.element.iter(_W + "t")).strip()


def _place(member: str, paragraph: _Paragraph | None) -> str:
    if paragraph is None:
        return label(member)
    text = paragraph.text()
    shown = f" (“{text[:50]}{'…' if len(text) > 50 else ''}”)" if text else ""
    return _("{part}, paragraph {number}{shown}").format(
        part=label(member), number=paragraph.number, shown=shown
    )


def _check_part(name: str, member: str, root: ElementTree.Element) -> None:
    fields: list[tuple[_Field, _Paragraph | None]] = []
    for element, paragraph in _walk(root):
        tag = element.tag
        what = _REFUSED_ELEMENTS.get(tag)
        if what is not None:
            raise NotInert(
                _("{name} has {what} in the {place}; {fix}.").format(
                    name=name, what=_(what), place=_place(member, paragraph), fix=_(_FIX)
                )
            )
        for key, value in element.attrib.items():
            if key.rsplit("}", 1)[-1] in _LINK_ATTRIBUTES and _REMOTE.match(value):
                raise NotInert(
                    _("{name} has a link to {value!r} in the {place}; {fix}.").format(
                        name=name, value=value[:60], place=_place(member, paragraph), fix=_(_FIX)
                    )
                )
        if tag == _W + "fldSimple":
            _judge(name, member, paragraph, element.get(_W + "instr", ""))
        elif tag == _W + "fldChar":
            kind = element.get(_W + "fldCharType")
            if kind == "begin":
                fields.append((_Field(), paragraph))
            elif fields and kind in ("separate", "end"):
                field, where = fields[-1]
                if not field.judged:
                    _judge(name, member, where, field.code)
                    field.judged = True
                if kind == "end":
                    fields.pop()
        elif tag == _W + "instrText":
            if not fields:  # a field code outside any field: Word still reads it
                _judge(name, member, paragraph, element.text or "")
            else:
                fields[-1][0].code += element.text or ""
    for field, where in fields:  # begun and never ended: judge what was there
        if not field.judged:
            _judge(name, member, where, field.code)


def _judge(name: str, member: str, paragraph: _Paragraph | None, code: str) -> None:
    place = _place(member, paragraph)
    if _TAG.search(code):
        raise NotInert(
            _(
                "{name} has a tag inside a Word field code ({code}) in the {place}; tags belong in the text, never in a field (Alt+F9 in Word shows field codes); nothing was written."
            ).format(name=name, code=code.strip()[:60], place=place)
        )
    words = code.split()
    field = words[0].upper() if words else ""
    if field not in ALLOWED_FIELDS:
        allowed = ", ".join(ALLOWED_FIELDS)
        raise NotInert(
            _(
                "{name} has a Word field {field} in the {place}; templates may use only the {allowed} fields, so {fix} (Alt+F9 in Word shows field codes)."
            ).format(
                name=name, field=field or _("(computed)"), place=place, allowed=allowed, fix=_(_FIX)
            )
        )
