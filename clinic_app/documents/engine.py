"""The template engine: a .docx with Jinja tags (docxtpl), checked against the fields, then filled.

This module holds no vault and reads no clock: it takes template bytes and plain field values and
returns .docx bytes, so batch rendering can run it in worker processes that never see the vault.
"""

from __future__ import annotations

import difflib
import html
import io
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, TypeAlias

from jinja2 import StrictUndefined, Template, Undefined, nodes
from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from clinic_app.documents import fields as F
from clinic_app.documents import inert
from clinic_app.documents.xmltext import docx_text
from clinic_app.errors import UserError
from clinic_app.i18n import N_, _
from clinic_app.os_errors import read_error_sentence
from clinic_app.resources import resource_path

# A field's value as the context builder hands it over: text (dates already written out),
# a number, None for "no value in the vault", or a list of items (sub-field -> text).
ItemValue: TypeAlias = dict[str, str | None]
Value: TypeAlias = str | int | list[ItemValue] | None

# Names Jinja itself provides inside templates.
_JINJA_NAMES = frozenset(
    {"loop", "range", "dict", "lipsum", "cycler", "joiner", "namespace", "caller", "varargs"}
)
_LOCAL = "<local>"  # a name the template set itself ({% set %}, macro arguments)
_INDEX = object()  # a computed index, e.g. enclosures[i]
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_XML_TAG = re.compile(r"<[^>]+>")


class TemplateProblem(UserError):
    """A template that cannot be used as it is (unreadable, broken tag, unknown field)."""


class MissingValueError(UndefinedError):
    """A field printed by the template has no value for this document."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message)
        self.field = message or ""


class Missing(Undefined):
    """A field with no value in the vault: false in {% if %} and `or`, an error when printed.

    So `{{ client.a_number or "None" }}` and `{% if grant.end %}` work, while a bare
    `{{ client.date_of_birth }}` for a worker with no date of birth stops that one document
    with a clear message instead of leaving a blank in a legal document.
    """

    __slots__ = ()

    def __init__(self, field: str) -> None:
        super().__init__(hint=field, name=field, exc=MissingValueError)

    def __str__(self) -> str:
        self._fail_with_undefined_error()
        return ""  # pragma: no cover - the line above always raises


@dataclass(frozen=True)
class RenderFailure:
    """Why one document could not be filled: the empty field, or another template error."""

    field: str | None
    message: str
    saving: bool = False  # filled, but the file could not be written (e.g. a full disk)


_MAX_POWER = 100
_MAX_REPEAT = 10_000
_MAX_WIDTH = 500  # padding and format widths: a line of a letter, not a gigabyte of spaces
_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_PADDING_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})


def _check_width(value: object) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _MAX_WIDTH:
        raise SecurityError(f"widths above {_MAX_WIDTH} are not allowed in a template")


def _check_printf(text: str) -> None:
    """`"%0300000000d" % 1` would build a 300 MB string: bound every width and precision."""
    for match in _PRINTF.finditer(text):
        for part in match.groups():
            if part == "*":
                raise SecurityError(
                    "widths taken from the values (%*d) are not allowed in a template"
                )
            if part is not None:
                _check_width(int(part))


def _check_format_string(text: str) -> None:
    """`"{:>300000000}".format(x)`: bound the widths in str.format specs too."""
    import string

    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return  # str.format itself will refuse it
    for _literal, _field, spec, _conversion in parsed:
        if spec and "{" in spec:
            raise SecurityError("widths taken from the values are not allowed in a template")
        for number in re.findall(r"\d+", spec or ""):
            _check_width(int(number))


class _CachingEnvironment(SandboxedEnvironment):
    """docxtpl compiles each part on every render; compiling once per template is 4x faster.

    Sandboxed: a template is a file a clinic may receive from anyone, and Jinja outside the
    sandbox lets `{{ x.__class__.__mro__ }}` reach any Python object (and so run code).
    """

    # A tag like {{ "a" * 10**10 }} would take all the memory; documents never need big powers
    # or long repeated text.
    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined)
        self._compiled: dict[str, Template] = {}
        center, indent, fmt = self.filters["center"], self.filters["indent"], self.filters["format"]
        lipsum: Any = self.globals["lipsum"]

        def bounded_center(value: Any, width: Any = 80) -> Any:
            _check_width(width)
            return center(value, width)

        def bounded_indent(value: Any, width: Any = 4, *args: Any, **kwargs: Any) -> Any:
            _check_width(width if isinstance(width, int) else len(str(width)))
            return indent(value, width, *args, **kwargs)

        def bounded_format(value: Any, *args: Any, **kwargs: Any) -> Any:
            _check_printf(str(value))
            return fmt(value, *args, **kwargs)

        def bounded_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> Any:
            _check_width(n * max)
            return lipsum(n, html, min, max)

        self.filters.update(center=bounded_center, indent=bounded_indent, format=bounded_format)
        self.globals["lipsum"] = bounded_lipsum

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if isinstance(owner, str) and name in _PADDING_METHODS:
            for value in (*args, *kwargs.values()):
                _check_width(value)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Any:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:  # `"…".format` is looked up: its widths are known now
            _check_format_string(value.__self__)
        return wrapped

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "%" and isinstance(left, str):
            _check_printf(left)
        if operator == "**" and not (isinstance(right, int) and abs(right) <= _MAX_POWER):
            raise SecurityError("powers above 100 are not allowed in a template")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                sized = isinstance(seq, str | list | tuple) and isinstance(times, int)
                if sized and len(seq) * times > _MAX_REPEAT:
                    raise SecurityError("text repeated past 10,000 characters")
        return super().call_binop(context, operator, left, right)

    def from_string(
        self, source: str | nodes.Template, globals: Any = None, template_class: Any = None
    ) -> Template:
        if not isinstance(source, str) or globals is not None or template_class is not None:
            return super().from_string(source, globals, template_class)
        found = self._compiled.get(source)
        if found is None:
            found = self._compiled[source] = super().from_string(source)
        return found


@cache
def _docx_class() -> type[Any]:
    """docxtpl with its XML clean-up cached, plus what Word's autocorrect adds inside tags.

    Built on first use: docxtpl and python-docx take a tenth of the app's start-up to import,
    and the main window does not need them until a document is filled.
    """
    from docxtpl import DocxTemplate

    class _Docx(DocxTemplate):  # type: ignore[misc]
        def __init__(self, data: bytes, patch_cache: dict[str, str]) -> None:
            super().__init__(io.BytesIO(data))
            self._patch_cache = patch_cache

        def patch_xml(self, src_xml: str) -> str:
            found = self._patch_cache.get(src_xml)
            if found is None:
                patched = super().patch_xml(src_xml)
                # Non-breaking spaces typed inside a tag (Word inserts them) confuse only Jinja.
                patched = _TAG.sub(lambda m: m.group(0).replace("\u00a0", " "), patched)
                found = self._patch_cache[src_xml] = patched
            return str(found)

        def render_properties(self, context: Any, jinja_env: Any = None) -> None:
            # Document properties (title, author, comments) stay as the template has them: Word
            # users never expect tags there, and a stray brace would otherwise break every render.
            return None

    return _Docx


def _new_docx(data: bytes, patch_cache: dict[str, str]) -> Any:
    return _docx_class()(data, patch_cache)


@dataclass(frozen=True)
class Part:
    """One part of the document that holds tags, as Jinja sees it (one paragraph per line)."""

    label: str  # "body", "page header", "page footer", "footnotes"
    source: str

    def where(self, lineno: int | None, needle: str = "") -> str:
        """Where a line of this part is, in words a person can search for in Word."""
        lines = self.source.splitlines()
        text = ""
        if lineno is not None and 1 <= lineno <= len(lines):
            text = html.unescape(_XML_TAG.sub("", lines[lineno - 1])).strip()
        if not text:
            return _(self.label)
        if len(text) > 70:
            at = text.find(needle) if needle else -1
            start = max(0, min(at - 25, len(text) - 70)) if at >= 0 else 0
            text = ("…" if start else "") + text[start : start + 70].strip() + "…"
        return f"{_(self.label)}: “{text}”"


@dataclass(frozen=True)
class FieldUse:
    name: str
    where: str


@dataclass(frozen=True)
class TemplateAnalysis:
    """What a template uses: the known fields, and whether it is worksite-wide."""

    fields: frozenset[str]
    worksite_wide: bool


class PreparedTemplate:
    """A template loaded once, checked once, then filled many times."""

    def __init__(self, data: bytes, *, name: str, trusted: bool = False) -> None:
        self.data = data
        self.name = name
        # One of the app's own templates (filled in-process); any other is filled in a
        # worker process with memory and time limits (see batch.py).
        self.trusted = trusted
        self._env = _CachingEnvironment()
        self._patch_cache: dict[str, str] = {}
        self._analysis: TemplateAnalysis | None = None
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                archive.getinfo("word/document.xml")
        except (zipfile.BadZipFile, KeyError) as exc:
            raise TemplateProblem(
                _(
                    "{name} is not a Word document (.docx); save it from Word as a .docx and try again."
                ).format(name=name)
            ) from exc

    @classmethod
    def from_path(cls, path: Path, *, name: str | None = None) -> PreparedTemplate:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise TemplateProblem(read_error_sentence(exc, path)) from exc
        shipped = resource_path("templates").resolve()
        trusted = Path(path).resolve().is_relative_to(shipped)
        return cls(data, name=name or Path(path).name, trusted=trusted)

    # -- checking ---------------------------------------------------------------------------

    def parts(self) -> list[Part]:
        """Body, headers, footers and footnotes, exactly as docxtpl will hand them to Jinja."""
        from docx.opc.exceptions import PackageNotFoundError

        tpl = _new_docx(self.data, self._patch_cache)
        try:
            tpl.render_init()
        except (PackageNotFoundError, KeyError, ValueError) as exc:
            raise TemplateProblem(
                _("{name} cannot be opened as a Word document; save it again from Word.").format(
                    name=self.name
                )
            ) from exc

        def jinja_source(xml: str) -> str:
            return re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(xml))

        found = [Part(N_("body"), jinja_source(tpl.get_xml()))]
        for uri, label in (
            (tpl.HEADER_URI, N_("page header")),
            (tpl.FOOTER_URI, N_("page footer")),
        ):
            for _key, part in tpl.get_headers_footers(uri):
                found.append(Part(label, jinja_source(tpl.get_part_xml(part))))
        for part in tpl.docx.part.package.parts:
            if part.content_type == _FOOTNOTES:
                blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
                found.append(Part(N_("footnotes"), jinja_source(blob)))
        return found

    def check(self) -> TemplateAnalysis:
        """Parse every part and check every field it names; raises TemplateProblem at the first
        broken tag, or naming every unknown field and where it is. Writes nothing."""
        if self._analysis is not None:
            return self._analysis
        try:
            inert.check(self.name, self.data)
        except inert.NotInert as exc:
            raise TemplateProblem(exc.message) from exc
        visitor = _FieldVisitor()
        for part in self.parts():
            try:
                tree = self._env.parse(part.source)
                self._env.from_string(part.source)  # also catches unknown filters and tests
            except TemplateSyntaxError as exc:
                raise TemplateProblem(
                    _(
                        "{name} has a tag that cannot be read ({problem}) in the {where}; fix it in Word (a tag must stay in one paragraph, with its {{{{ }}}} or {{% %}} complete) and try again."
                    ).format(
                        name=self.name, problem=_plain(exc.message), where=part.where(exc.lineno)
                    )
                ) from exc
            _check_stray_braces(self.name, part)
            _check_unsafe(self.name, part, tree)
            visitor.part = part
            visitor.visit_all(tree.body, {})
        if visitor.unknown:
            listed = "; ".join(_describe_unknown(use) for use in _unique(visitor.unknown))
            raise TemplateProblem(
                _(
                    "{name} uses fields that do not exist: {listed} (nothing was written; 'clinic-app fields' lists every field)."
                ).format(name=self.name, listed=listed)
            )
        used = frozenset(visitor.used)
        group = sorted(n for n in used if F.is_group_field(n))
        if group:
            per_matter = [u for u in visitor.uses if _scope_of(u.name) == F.MATTER]
            if per_matter:
                first = per_matter[0]
                raise TemplateProblem(
                    _(
                        "{name} uses {field}, so it makes one document per agency letter, but it also uses {other} ({where}), which belongs to one worker's matter; use one or the other (nothing was written)."
                    ).format(name=self.name, field=group[0], other=first.name, where=first.where)
                )
        self._analysis = TemplateAnalysis(fields=used, worksite_wide=bool(group))
        return self._analysis

    # -- filling ----------------------------------------------------------------------------

    def render(self, values: Mapping[str, Value]) -> bytes:
        """Fill the template; raises RenderError (carrying a RenderFailure) when it cannot."""
        self.check()
        context = build_context(values)
        tpl = _new_docx(self.data, self._patch_cache)
        try:
            tpl.render(context, jinja_env=self._env, autoescape=True)
        except MissingValueError as exc:
            raise RenderError(RenderFailure(exc.field, f"{exc.field} has no value")) from exc
        except UndefinedError as exc:
            raise RenderError(RenderFailure(None, _plain(exc.message or str(exc)))) from exc
        except SecurityError as exc:
            raise RenderError(
                RenderFailure(None, f"a tag is not allowed in a template: {_plain(str(exc))}")
            ) from exc
        except TemplateError as exc:
            raise RenderError(RenderFailure(None, _plain(exc.message or str(exc)))) from exc
        _stamp(tpl.docx.core_properties, values)
        out = io.BytesIO()
        tpl.save(out)
        try:  # what the tags produced is checked too, not only what the template held
            inert.check(self.name, out.getvalue())
        except inert.NotInert as exc:
            raise RenderError(RenderFailure(None, _plain(exc.message))) from exc
        return out.getvalue()


def _stamp(props: Any, values: Mapping[str, Value]) -> None:
    """The made document's properties: the clinic wrote it, now (not the template's author and
    date, which Word shows in File → Info)."""
    clinic = values.get("clinic.name")
    if isinstance(clinic, str) and clinic:
        props.author = props.last_modified_by = clinic
    props.created = props.modified = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    props.revision = 1


def _check_unsafe(name: str, part: Part, tree: nodes.Template) -> None:
    """Refuse tags reaching for Python's insides (`__class__`, `|attr`): no field needs them,
    and only a template written to attack the app uses them. The sandbox would stop them at
    render time anyway; refusing here says so before anything is written."""
    for loader in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        tag = type(loader).__name__.lower().replace("fromimport", "from … import")
        raise TemplateProblem(
            _(
                "{name} has a tag that loads another file ({{% {tag} %}}) in the {where}; a template must be one .docx on its own, so nothing was written."
            ).format(name=name, tag=tag, where=part.where(loader.lineno))
        )
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter)):
        reached: object = None
        if isinstance(node, nodes.Getattr):
            reached = node.attr
        elif isinstance(node, nodes.Getitem):
            reached = node.arg.value if isinstance(node.arg, nodes.Const) else None
        elif isinstance(node, nodes.Filter) and node.name == "attr":
            reached = "|attr"
        if isinstance(reached, str) and (reached.startswith("_") or reached == "|attr"):
            raise TemplateProblem(
                _(
                    "{name} has a tag that reaches into the program ({reached}) in the {where}; templates may only use fields and filters, so nothing was written."
                ).format(name=name, reached=reached, where=part.where(node.lineno))
            )


class RenderError(Exception):
    def __init__(self, failure: RenderFailure) -> None:
        super().__init__(failure.message)
        self.failure = failure


def build_context(values: Mapping[str, Value]) -> dict[str, Any]:
    """Flat field values ("client.full_name": "José") -> the nested dicts Jinja reads."""
    context: dict[str, Any] = {}
    for name, value in values.items():
        target = context
        *groups, last = name.split(".")
        for group in groups:
            target = target.setdefault(group, {})
        if isinstance(value, list):
            target[last] = [
                {
                    k: Missing(f"{name}[].{k}") if v is None else docx_text(v)
                    for k, v in item.items()
                }
                for item in value
            ]
        elif value is None:
            target[last] = Missing(name)
        else:
            target[last] = docx_text(value) if isinstance(value, str) else value
    return context


def read_text(data: bytes) -> list[str]:
    """The paragraphs of a .docx (body, tables included, then headers and footers), as text."""
    from docx import Document

    document = Document(io.BytesIO(data))
    lines: list[str] = []

    def walk(container: Any) -> None:
        for block in container.iter_inner_content():
            if hasattr(block, "rows"):
                for row in block.rows:
                    for cell in row.cells:
                        walk(cell)
            else:
                lines.append(block.text)

    walk(document)
    for section in document.sections:
        for part in (section.header, section.footer):
            if not part.is_linked_to_previous:
                walk(part)
    return lines


# -- field analysis ---------------------------------------------------------------------------


def _scope_of(name: str) -> str:
    found = F.spec(name.split("[]", 1)[0]) if "[]" in name else F.spec(name)
    return found.scope if found is not None else ""


def _plain(message: str | None) -> str:
    return (message or "unknown error").rstrip(".").replace("\n", " ")


def _unique(uses: Sequence[FieldUse]) -> Iterator[FieldUse]:
    seen: set[str] = set()
    for use in uses:
        if use.name not in seen:
            seen.add(use.name)
            yield use


def _describe_unknown(use: FieldUse) -> str:
    candidates = sorted(set(F.BY_NAME) | set(F.ITEM_FIELDS) | F.GROUPS)
    close = difflib.get_close_matches(use.name.lower(), candidates, n=1, cutoff=0.75)
    hint = f"; did you mean {close[0]}?" if close and close[0] != use.name else ""
    if use.name in F.GROUPS:
        inside = sorted(n for n in [*F.BY_NAME, *F.ITEM_FIELDS] if n.startswith(use.name + "."))
        inside = inside[:2]
        hint = f"; it is a group of fields, such as {', '.join(inside)}" if inside else hint
    return f"{use.name} ({use.where}{hint})"


class _FieldVisitor:
    """Walks a template's syntax tree, resolving every name and attribute to a field path."""

    def __init__(self) -> None:
        self.part = Part("body", "")
        self.used: set[str] = set()
        self.uses: list[FieldUse] = []
        self.unknown: list[FieldUse] = []

    def visit_all(self, body: Sequence[nodes.Node], scope: dict[str, str]) -> None:
        for node in body:
            self.visit(node, scope)

    def visit(self, node: nodes.Node, scope: dict[str, str]) -> None:
        if isinstance(node, nodes.For):
            self.visit(node.iter, scope)
            inner = dict(scope)
            item = self._list_item(node.iter, scope)
            targets = _names(node.target)
            for name in targets:
                inner[name] = item if (item and len(targets) == 1) else _LOCAL
            inner["loop"] = _LOCAL
            if node.test is not None:
                self.visit(node.test, inner)
            self.visit_all(node.body, inner)
            self.visit_all(node.else_, scope)
        elif isinstance(node, nodes.Assign):
            self.visit(node.node, scope)
            for name in _names(node.target):
                scope[name] = _LOCAL
        elif isinstance(node, nodes.AssignBlock):
            self.visit_all(node.body, scope)
            for name in _names(node.target):
                scope[name] = _LOCAL
        elif isinstance(node, (nodes.Macro, nodes.CallBlock)):
            for default in node.defaults:
                self.visit(default, scope)
            inner = dict(scope)
            for arg in node.args:
                inner[arg.name] = _LOCAL
            if isinstance(node, nodes.Macro):
                scope[node.name] = _LOCAL
            else:
                self.visit(node.call, scope)
            self.visit_all(node.body, inner)
        elif isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values, strict=False):
                self.visit(value, scope)
                for name in _names(target):
                    inner[name] = _LOCAL
            self.visit_all(node.body, inner)
        elif isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            self._reference(node, scope)
        else:
            for child in node.iter_child_nodes():
                self.visit(child, scope)

    def _list_item(self, node: nodes.Node, scope: dict[str, str]) -> str | None:
        path = self._path(node, scope)
        if path is not None:
            found = F.BY_NAME.get(path)
            if found is not None and found.kind == F.LIST:
                return f"{path}[]"
        return None

    def _path(self, node: nodes.Node, scope: dict[str, str]) -> str | None:
        """The field path a plain name/attribute chain names, without reporting anything."""
        chain: list[str] = []
        while isinstance(node, nodes.Getattr):
            chain.insert(0, node.attr)
            node = node.node
        if not isinstance(node, nodes.Name):
            return None
        base = scope.get(node.name, node.name)
        return ".".join([base, *chain]) if base != _LOCAL else None

    def _reference(self, node: nodes.Node, scope: dict[str, str]) -> None:
        chain: list[object] = []
        while isinstance(node, (nodes.Getattr, nodes.Getitem)):
            if isinstance(node, nodes.Getattr):
                chain.insert(0, node.attr)
            elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                chain.insert(0, node.arg.value)
            else:
                self.visit(node.arg, scope)
                chain.insert(0, _INDEX)
            node = node.node
        if not isinstance(node, nodes.Name):
            self.visit(node, scope)
            return
        name = node.name
        if name in scope:
            if scope[name] == _LOCAL:
                return
            path = scope[name]
        elif name in _JINJA_NAMES:
            return
        else:
            path = name
            if name not in F.ROOTS:
                named = [name, *(str(s) for s in chain if isinstance(s, str))]
                self._unknown(".".join(named), node.lineno)
                return
        for step in chain:
            if step is _INDEX or isinstance(step, int):
                found = F.BY_NAME.get(path)
                if found is not None and found.kind == F.LIST:
                    path = f"{path}[]"
                    continue
                return  # indexing into text: Python's business, not a field
            candidate = f"{path}.{step}"
            if F.spec(candidate) is not None or candidate in F.GROUPS:
                path = candidate
                continue
            found = F.spec(path)
            if found is not None and found.kind in (F.TEXT, F.DATE) and hasattr(str, str(step)):
                break  # a text method such as .upper()
            self._unknown(candidate, node.lineno)
            return
        if path in F.GROUPS or F.spec(path) is None:
            self._unknown(path, node.lineno)
            return
        self.used.add(path)
        self.uses.append(FieldUse(path, self.part.where(node.lineno, path.split(".")[-1])))

    def _unknown(self, name: str, lineno: int | None) -> None:
        needle = name.split(".")[-1].rstrip("[]")
        self.unknown.append(FieldUse(name, self.part.where(lineno, needle)))


_WHOLE_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")
_STRAY = re.compile(r"\{+\s*[A-Za-z_][\w.]*\s*\}+|\{\{|\}\}|\{%|%\}")


def _check_stray_braces(name: str, part: Part) -> None:
    """A tag that lost a brace (to a typo or to Word) is plain text to Jinja: printed as is,
    it would reach a client. Refuse it instead."""
    for lineno, line in enumerate(part.source.splitlines(), start=1):
        text = html.unescape(_XML_TAG.sub("", line))
        stray = _STRAY.search(_WHOLE_TAG.sub("", text))
        if stray:
            raise TemplateProblem(
                _(
                    "{name} has a broken tag “{tag}” (a brace is missing) in the {where}; write it as {{{{ field }}}} and try again."
                ).format(name=name, tag=stray.group(0), where=part.where(lineno, stray.group(0)))
            )


def _names(target: nodes.Node) -> list[str]:
    if isinstance(target, nodes.Name):
        return [target.name]
    if isinstance(target, nodes.Tuple):
        return [n for item in target.items for n in _names(item)]
    return []
