"""Files -> Kubernetes objects (Manifest), with positions on demand; parse errors become diagnostics."""

from __future__ import annotations

import codecs
import gc
import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Callable, Optional

from .builds import KUSTOMIZE_BUILD_FAILED, NOT_RUN, UNUSED, BuildReport, build_roots
from .discovery import STDIN, InputFile, discover, display_path
from .fragments import looks_like_fragment
from .kustomizations import KUSTOMIZATION_NAMES, Kustomization, Tree, is_kustomization
from .kustomize import DEFAULT_TIMEOUT, Kustomize
from ..model import (Diagnostic, Manifest, Position, SourceFile, document_objects, has_namespace, namespace_or, split_pointer)
from ..wording import plural
from .yamlnodes import YAMLSyntaxError, compose_all, locate, to_data

# Rules whose findings come from the loader rather than from a check function.
YAML_SYNTAX = "yaml-syntax"
HELM_TEMPLATE = "helm-template-skipped"
FILE_UNREADABLE = "file-unreadable"
FILE_TOO_LARGE = "file-too-large"
DUPLICATE_KEY = "duplicate-key"
YAML_UNSUPPORTED = "yaml-unsupported"
NO_OBJECTS = "no-objects"
LOADER_RULES = (YAML_SYNTAX, HELM_TEMPLATE, FILE_UNREADABLE, FILE_TOO_LARGE, DUPLICATE_KEY, YAML_UNSUPPORTED,
                KUSTOMIZE_BUILD_FAILED, NO_OBJECTS)
# A key that only a Kubernetes object (or a kustomization) would have: a file that does not parse and
# has none is some other YAML or JSON (tsconfig.json with comments), not a broken manifest.
_OBJECT_SIGN = re.compile(r"""(?:^|[\s{,"'])(?:apiVersion|kind)["']?\s*:""")
# What the converter notices, as findings; a mapping used as a key in a file with template actions
# marks a Helm template instead.
_NOTE_RULES = {"duplicate-key": DUPLICATE_KEY, "complex-key": YAML_UNSUPPORTED,
               "recursive-alias": YAML_UNSUPPORTED, "too-deep": YAML_UNSUPPORTED,
               "excessive-aliasing": YAML_UNSUPPORTED}
DEFAULT_MAX_FILE_SIZE = 32 * 1024 * 1024

_HELM_MARKERS = re.compile(
    r"\{\{-?\s*[^}]*?(?:\.Values\b|\.Release\.|\.Chart\.|\.Capabilities\.|\.Files\.|include\s+\"|"
    r"toYaml|nindent|\btpl\b)"
)
_DOC_START = re.compile(r"^---(?=[ \t]|$)", re.MULTILINE)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass
class LoadResult:
    manifests: list[Manifest] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)
    documents: int = 0
    builds: list[BuildReport] = field(default_factory=list)
    # build -> what it makes: (source file, kind, namespace, name) of each object
    units: dict[str, frozenset[tuple[str, str, str, str]]] = field(default_factory=dict)
    unbuilt: list[str] = field(default_factory=list)  # files in a kustomize tree that no build uses, as shown
    skipped: list[str] = field(default_factory=list)  # files that do not parse and are no manifest, as shown
    not_built: int = 0  # kustomization roots left unbuilt: there is no kustomize, or building is off


@dataclass
class _Chunk:
    text: str
    line_offset: int
    nodes: Optional[list[Any]] = None


@dataclass
class _Parsed:
    source: SourceFile
    docs: list[tuple[int, Any]]  # (document index, data)
    chunks: list[_Chunk]
    doc_chunks: list[tuple[int, int]]  # document index -> (chunk, index within chunk)
    # document index -> (start, end, first line) of its text within the chunk, so that a position is
    # found by composing that document alone rather than the whole file
    doc_spans: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    real: str = ""  # resolved path
    kustomization: bool = False
    errors: list[Diagnostic] = field(default_factory=list)  # yaml-syntax findings
    notes: list[Diagnostic] = field(default_factory=list)  # duplicate keys and other oddities
    template_like: bool = False  # a mapping used as a key: what `{{ x }}` becomes in YAML


def load(paths: list[str], namespace: str = "default", stdin: Optional[BinaryIO] = None,
         max_file_size: int = DEFAULT_MAX_FILE_SIZE, excluded: Optional[Callable[[str], bool]] = None,
         overrides: Optional[dict[str, Optional[bytes]]] = None, kustomize: Optional[Kustomize] = None,
         build_timeout: float = DEFAULT_TIMEOUT) -> LoadResult:
    """Read every manifest below `paths`, and build the kustomizations among them with `kustomize`
    (None: lint them as plain files). Raises discovery.PathNotFound for a missing path.

    A file larger than `max_file_size` bytes is not read (0: no limit). `overrides` replaces the
    content of files (by resolved path), or leaves them out (None): the state before a change.
    """
    result = LoadResult()
    charts = _Charts()
    # Composing allocates millions of small objects that are never cyclic garbage; the cyclic
    # collector only slows that down, so it waits until loading is done.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        supplied = frozenset(real for real, content in (overrides or {}).items() if content is not None)
        inputs = [i for i in discover(paths, excluded, supplied)
                  if not overrides or overrides.get(i.real, b"") is not None]
        parsed = [p for p in (_read_and_parse(i, stdin, result, charts, max_file_size, overrides)
                              for i in inputs) if p is not None]
    finally:
        gc.freeze()  # what was loaded lives until the run ends: keep it out of later collections
        if gc_was_enabled:
            gc.enable()
    tree = Tree.of([Kustomization(p.real, p.source, p.docs[0][1] if p.docs else {})
                    for p in parsed if p.kustomization])
    sources = _Sources({p.real: p for p in parsed}, result, max_file_size)
    built = build_roots(tree, kustomize, sources, namespace, build_timeout,
                        max_file_size if max_file_size > 0 else None, overrides)
    result.manifests += built.manifests
    result.diagnostics += built.diagnostics
    result.builds, result.units, result.not_built = built.reports, built.units, built.not_built
    not_objects = tree.inputs()
    for item in parsed:
        if item.kustomization:
            continue
        result.documents += len(item.docs)
        if item.real in built.used or item.real in not_objects:
            continue
        cap = built.plain.get(item.real, "")
        if not cap and tree.owner_of(item.real) is not None:
            cap = UNUSED if kustomize is not None else NOT_RUN
            if kustomize is not None:
                result.unbuilt.append(item.source.path)
        for doc_index, data in item.docs:
            for base, obj in document_objects(data):
                if looks_like_fragment(item.real, obj):
                    continue
                result.manifests.append(Manifest(item.source, doc_index, base, obj, namespace_or(obj, namespace),
                                                 namespace_given=has_namespace(obj), cap=cap,
                                                 undeployed=cap == UNUSED))
    result.diagnostics += _no_objects(paths, result)
    return result


def _no_objects(paths: list[str], result: LoadResult) -> list[Diagnostic]:
    """Input that holds no Kubernetes object is said out loud: a render upstream that failed
    (`kustomize build x | kportlint lint -`) or a wrong folder would otherwise pass as clean. Once for
    the whole run, and once for each folder named on the command line that holds none; files named
    one by one (as pre-commit passes them) are not reported alone."""
    # Input already reported on: the files of the loader's findings, and the builds they are about.
    said = {os.path.realpath(d.file) for d in result.diagnostics}
    said |= {os.path.join(os.path.realpath(root), "") for d in result.diagnostics for root in d.builds}
    if not result.manifests and not said:
        # One file read: point at it; else at what was named.
        where = result.files[0].path if len(result.files) == 1 and not result.skipped else \
            display_path(paths[0]) if paths else "."
        read = f"{plural(len(result.files), 'file')} read" + (
            f", {len(result.skipped)} skipped as no manifest" if result.skipped else "")
        if paths == [STDIN]:
            message = (f"standard input holds no Kubernetes object ({read}), so nothing was checked: the "
                       f"command that wrote it (kustomize build, helm template) produced none")
        else:
            what = f"{where} holds" if len(paths) <= 1 else "the linted paths hold"
            message = f"{what} no Kubernetes object ({read}), so nothing was checked"
        return [Diagnostic(NO_OBJECTS, where, 1, 1, message)]
    # Where the objects come from: their files, and the kustomizations that built them (an overlay
    # named on the command line holds its objects even when their files are in a base outside it).
    holding = {os.path.realpath(m.source.origin or m.source.path) for m in result.manifests}
    holding |= {os.path.join(os.path.realpath(root), "") for m in result.manifests for root in m.builds}
    found = []
    for path in dict.fromkeys(paths):
        if path == STDIN or not os.path.isdir(path):
            continue
        top = os.path.join(os.path.realpath(path), "")
        if not any(real.startswith(top) for real in holding | said):
            found.append(Diagnostic(NO_OBJECTS, display_path(path), 1, 1, (
                f"{display_path(path)} holds no Kubernetes object, so nothing in it was checked; "
                f"is it the folder you meant?")))
    return found


class _Sources:
    """Parsed source files by resolved path: the linted ones, and others a build read (a base
    outside the linted folder, a patch), parsed on demand so that findings can point into them."""

    def __init__(self, parsed: dict[str, "_Parsed"], result: LoadResult, max_file_size: int) -> None:
        self._parsed: dict[str, Optional[_Parsed]] = dict(parsed)
        self._texts: dict[tuple[str, str], _Parsed] = {}
        self._result = result
        self._limit = max_file_size if max_file_size > 0 else None

    def file(self, path: str) -> Optional["_Parsed"]:
        if path not in self._parsed:
            self._parsed[path] = self._read(path)
        return self._parsed[path]

    def _read(self, path: str) -> Optional["_Parsed"]:
        try:
            raw = _read(path, None, self._limit)
        except OSError:
            return None
        text, _ = decode(raw)
        if text is None or (self._limit is not None and len(raw) > self._limit):
            return None
        source = SourceFile(display_path(path), text, path)
        self._result.files.append(source)
        parsed = _parse(source)
        parsed.real = path
        return parsed

    def kustomization(self, folder: str) -> Optional[Kustomization]:
        """The kustomization in `folder`, read even when it is outside the linted paths."""
        for name in KUSTOMIZATION_NAMES:
            parsed = self.file(os.path.join(folder, name)) if os.path.isfile(os.path.join(folder, name)) else None
            if parsed is not None and parsed.docs and is_kustomization(parsed.source.origin, parsed.docs[0][1]):
                return Kustomization(os.path.join(folder, name), parsed.source, parsed.docs[0][1])
        return None

    def text(self, text: str, name: str) -> "_Parsed":
        key = (name, text)
        if key not in self._texts:
            self._texts[key] = _parse(SourceFile(name, text, name))
        return self._texts[key]


def _read_and_parse(item: InputFile, stdin: Optional[BinaryIO], result: LoadResult,
                    charts: "_Charts", max_file_size: int,
                    overrides: Optional[dict[str, Optional[bytes]]] = None) -> Optional[_Parsed]:
    if item.problem:
        result.diagnostics.append(Diagnostic(FILE_UNREADABLE, item.display, 1, 1, item.problem))
        return None
    limit = max_file_size if max_file_size > 0 else None
    try:
        replaced = overrides.get(item.real) if overrides else None
        raw = replaced if replaced is not None else _read(item.path, stdin, limit)
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        result.diagnostics.append(Diagnostic(FILE_UNREADABLE, item.display, 1, 1,
                                             f"cannot read {item.display}: {reason}"))
        return None
    if limit is not None and len(raw) > limit:
        result.diagnostics.append(Diagnostic(
            FILE_TOO_LARGE, item.display, 1, 1,
            f"{item.display} is larger than the {_size(limit)} limit, so it was not linted; raise "
            f"--max-file-size (or max-file-size in the config) if it really holds manifests"))
        return None
    text, problem = decode(raw)
    if text is None:
        result.diagnostics.append(Diagnostic(
            FILE_UNREADABLE, item.display, 1, 1, f"{item.display} is not text kportlint can read: {problem}"))
        return None
    source = SourceFile(item.display, text, item.path)
    chart = charts.root_of(item.path)
    if chart is not None and charts.is_template(item.path, chart):
        result.files.append(source)
        if charts.first_report(chart):  # one finding per chart, subcharts included
            result.diagnostics.append(Diagnostic(
                HELM_TEMPLATE, item.display, 1, 1,
                f"the Helm chart {display_path(chart)} holds templates, not manifests, so its templates/ "
                f"were skipped; render it and lint the output: "
                f"helm template {display_path(chart)} | kportlint lint -"))
        return None
    # Outside a chart, the document's structure decides: template actions that break the YAML or turn
    # into mapping keys, or Helm's objects (.Values, include, toYaml) in the object's own fields, mark a
    # template. Go templates in embedded text (a ConfigMap's files, alert texts) do not.
    templated = chart is None and "{{" in text
    parsed = _parse(source)
    if parsed.errors and not _OBJECT_SIGN.search(text) and os.path.basename(item.path) not in KUSTOMIZATION_NAMES:
        result.skipped.append(item.display)
        return None
    result.files.append(source)
    if templated and (parsed.errors or parsed.template_like or
                      (_helm_marked(text) and any(_helm_in_fields(data) for _, data in parsed.docs))):
        result.diagnostics.append(Diagnostic(
            HELM_TEMPLATE, item.display, 1, 1,
            "this file is a Helm template, not a manifest, so it was skipped; render it and lint "
            "the output: helm template <chart> | kportlint lint -"))
        return None
    result.diagnostics.extend(parsed.errors)
    if not templated:
        result.diagnostics.extend(parsed.notes)
    else:  # in a template, odd keys are template actions; only duplicates are worth a word
        result.diagnostics.extend(d for d in parsed.notes if d.rule == DUPLICATE_KEY)
    parsed.real = item.real
    return parsed


def _helm_in_fields(data: Any, embedded: bool = False) -> bool:
    """Whether Helm's template syntax sits in an object's own fields (a name, an image, a label), not
    in text that the object carries: ConfigMap and Secret data, annotations, multi-line strings."""
    if isinstance(data, str):
        return not embedded and "\n" not in data.strip() and _HELM_MARKERS.search(data) is not None
    if isinstance(data, list):
        return any(_helm_in_fields(item, embedded) for item in data)
    if not isinstance(data, dict):
        return False
    carrier = data.get("kind") in ("ConfigMap", "Secret")
    for key, value in data.items():
        # Values handed to a chart (a Flux HelmRelease's values, an Argo CD valuesObject, a k3s
        # HelmChart's valuesContent) are rendered by Helm later: text the object carries.
        inside = embedded or key in ("annotations", "values", "valuesObject", "valuesContent") or (
            carrier and key in ("data", "stringData", "binaryData"))
        if _helm_in_fields(value, inside):
            return True
    return False


def _helm_marked(text: str) -> bool:
    """Whether Helm's objects or functions appear outside YAML comments."""
    for match in _HELM_MARKERS.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if "#" not in text[line_start:match.start()]:
            return True
    return False


class _Charts:
    """Finds the Helm chart (the outermost folder with a Chart.yaml) a file belongs to, once per folder."""

    def __init__(self) -> None:
        self._roots: dict[str, Optional[str]] = {}
        self._reported: set[str] = set()

    def root_of(self, path: str) -> Optional[str]:
        return None if path == STDIN else self._root(os.path.dirname(os.path.abspath(path)))

    def _root(self, folder: str) -> Optional[str]:
        if folder not in self._roots:
            parent = os.path.dirname(folder)
            outer = self._root(parent) if parent != folder else None
            here = folder if os.path.isfile(os.path.join(folder, "Chart.yaml")) else None
            self._roots[folder] = outer or here
        return self._roots[folder]

    @staticmethod
    def is_template(path: str, chart: str) -> bool:
        inside = os.path.relpath(os.path.abspath(path), chart).split(os.sep)[:-1]
        return "templates" in inside

    def first_report(self, chart: str) -> bool:
        if chart in self._reported:
            return False
        self._reported.add(chart)
        return True


def _read(path: str, stdin: Optional[BinaryIO], limit: Optional[int]) -> bytes:
    """The file's bytes, or the first `limit` + 1 of them when it is larger than the limit."""
    size = -1 if limit is None else limit + 1
    if path == STDIN:
        return (stdin or sys.stdin.buffer).read(size)
    with open(path, "rb") as handle:
        return handle.read(size)


def _size(count: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale and count % scale == 0:
            return f"{count // scale} {unit}"
    return f"{count:,} bytes"


def decode(raw: bytes) -> tuple[Optional[str], str]:
    """Text of a file: UTF-8 (with or without BOM), or UTF-16/32 with a BOM."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding), ""
            except UnicodeDecodeError as exc:
                return None, f"invalid {encoding.upper()} at byte {exc.start}"
    if b"\x00" in raw[:8192]:
        return None, "it contains NUL bytes (a binary file?)"
    try:
        return raw.decode("utf-8"), ""
    except UnicodeDecodeError as exc:
        return None, f"invalid UTF-8 at byte {exc.start}; save it as UTF-8"


def _parse(source: SourceFile) -> _Parsed:
    text = source.text
    parsed = _Parsed(source, [], [], [])
    try:
        nodes = list(compose_all(text))
        parsed.chunks.append(_Chunk(text, 0))
        for i, node in enumerate(nodes):
            parsed.doc_chunks.append((0, i))
            parsed.doc_spans[i] = _span(text, node)
            parsed.docs.append((i, _convert(node, parsed, 0)))
    except YAMLSyntaxError:
        # libyaml stops at the first error; re-read document by document so the others survive.
        parsed = _Parsed(source, [], [], [])
        for chunk_text, offset in _split_documents(text):
            chunk = _Chunk(chunk_text, offset)
            parsed.chunks.append(chunk)
            index = 0
            try:
                for node in compose_all(chunk_text, offset):
                    parsed.doc_chunks.append((len(parsed.chunks) - 1, index))
                    parsed.docs.append((len(parsed.doc_chunks) - 1, _convert(node, parsed, offset)))
                    index += 1
            except YAMLSyntaxError as exc:
                parsed.errors.append(Diagnostic(
                    YAML_SYNTAX, source.path, exc.line + offset + 1, exc.column + 1,
                    f"YAML syntax error: {exc.message}; this document is skipped"))
    source.locate = _Locator(parsed)
    # A kustomization that does not parse is still one: kustomize rejects it, and so its build fails.
    parsed.kustomization = os.path.basename(source.origin) in KUSTOMIZATION_NAMES and (
        not parsed.docs or is_kustomization(source.origin, parsed.docs[0][1]))
    return parsed


def _span(text: str, node: Any) -> tuple[int, int, int]:
    """From the start of the line where the document's root node starts to where the node ends."""
    start = text.rfind("\n", 0, node.start_mark.index) + 1
    return start, node.end_mark.index, node.start_mark.line


def _convert(node: Any, parsed: _Parsed, line_offset: int) -> Any:
    converted = to_data(node, line_offset=line_offset)
    for note in converted.notes:
        if note.code == "complex-key":
            parsed.template_like = True
        parsed.notes.append(Diagnostic(_NOTE_RULES[note.code], parsed.source.path,
                                       note.line + line_offset + 1, note.column + 1, note.message))
    return converted.data


def _split_documents(text: str) -> list[tuple[str, int]]:
    starts = [m.start() for m in _DOC_START.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    chunks = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        chunks.append((text[start:end], text.count("\n", 0, start)))
    return chunks


class _Locator:
    """Finds positions by composing the file again, once, only when a finding needs one."""

    def __init__(self, parsed: _Parsed) -> None:
        self._chunks = parsed.chunks
        self._doc_chunks = parsed.doc_chunks
        self._spans = parsed.doc_spans
        self._documents: dict[int, Any] = {}  # document index -> its node tree, composed alone

    def __call__(self, doc_index: int, pointer: str) -> Optional[Position]:
        if not 0 <= doc_index < len(self._doc_chunks):
            return None
        chunk_no, index = self._doc_chunks[doc_index]
        chunk = self._chunks[chunk_no]
        span = self._spans.get(doc_index)
        if span is not None:
            start, end, line = span
            if doc_index not in self._documents:
                try:
                    self._documents[doc_index] = next(compose_all(chunk.text[start:end]), None)
                except YAMLSyntaxError:
                    self._documents[doc_index] = None
            root = self._documents[doc_index]
            if root is not None:
                found = locate(root, split_pointer(pointer))
                if found is not None:
                    shift = line + chunk.line_offset + 1
                    return Position(found[0] + shift, found[1] + 1, found[2] + shift)
        if chunk.nodes is None:
            chunk.nodes = []
            try:
                for node in compose_all(chunk.text):
                    chunk.nodes.append(node)
            except YAMLSyntaxError:
                pass
        if index >= len(chunk.nodes):
            return None
        found = locate(chunk.nodes[index], split_pointer(pointer))
        if found is None:
            return None
        shift = chunk.line_offset + 1
        return Position(found[0] + shift, found[1] + 1, found[2] + shift)
