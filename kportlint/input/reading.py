"""Input files -> parsed documents. A linted file is read, decoded and parsed, or left out with one
finding that says why (unreadable, too large, not text, a Helm template), or quietly when it does not
parse and is no manifest. Files a build read are parsed on demand (Sources), so that findings can
point into them."""

from __future__ import annotations

import os
import re
from typing import BinaryIO, Optional

from .decoding import decode, read_bytes
from .discovery import InputFile, display_path
from .documents import Parsed, parse
from .helm import Charts, helm_in_fields, helm_marked
from .kustomizations import KUSTOMIZATION_NAMES, Kustomization, is_kustomization
from .loader_rules import DUPLICATE_KEY, FILE_TOO_LARGE, FILE_UNREADABLE, HELM_TEMPLATE
from .result import LoadResult
from ..model import Diagnostic, SourceFile

# A key that only a Kubernetes object (or a kustomization) would have: a file that does not parse and
# has none is some other YAML or JSON (tsconfig.json with comments), not a broken manifest.
_OBJECT_SIGN = re.compile(r"""(?:^|[\s{,"'])(?:apiVersion|kind)["']?\s*:""")


class Sources:
    """Parsed source files by resolved path: the linted ones, and others a build read (a base
    outside the linted folder, a patch), parsed on demand so that findings can point into them."""

    def __init__(self, parsed: dict[str, "Parsed"], result: LoadResult, max_file_size: int) -> None:
        self._parsed: dict[str, Optional[Parsed]] = dict(parsed)
        self._texts: dict[tuple[str, str], Parsed] = {}
        self._result = result
        self._limit = max_file_size if max_file_size > 0 else None

    def file(self, path: str) -> Optional["Parsed"]:
        if path not in self._parsed:
            self._parsed[path] = self._read(path)
        return self._parsed[path]

    def _read(self, path: str) -> Optional["Parsed"]:
        try:
            raw = read_bytes(path, None, self._limit)
        except OSError:
            return None
        text, _ = decode(raw)
        if text is None or (self._limit is not None and len(raw) > self._limit):
            return None
        source = SourceFile(display_path(path), text, path)
        self._result.files.append(source)
        parsed = parse(source)
        parsed.real = path
        return parsed

    def kustomization(self, folder: str) -> Optional[Kustomization]:
        """The kustomization in `folder`, read even when it is outside the linted paths."""
        for name in KUSTOMIZATION_NAMES:
            parsed = self.file(os.path.join(folder, name)) if os.path.isfile(os.path.join(folder, name)) else None
            if parsed is not None and parsed.docs and is_kustomization(parsed.source.origin, parsed.docs[0][1]):
                return Kustomization(os.path.join(folder, name), parsed.source, parsed.docs[0][1])
        return None

    def text(self, text: str, name: str) -> "Parsed":
        key = (name, text)
        if key not in self._texts:
            self._texts[key] = parse(SourceFile(name, text, name))
        return self._texts[key]


def read_source(item: InputFile, stdin: Optional[BinaryIO], result: LoadResult, max_file_size: int,
                overrides: Optional[dict[str, Optional[bytes]]] = None) -> Optional[SourceFile]:
    """The file's text, or None with a finding that says why it cannot be read."""
    if item.problem:
        result.diagnostics.append(Diagnostic(FILE_UNREADABLE, item.display, 1, 1, item.problem))
        return None
    limit = max_file_size if max_file_size > 0 else None
    try:
        replaced = overrides.get(item.real) if overrides else None
        raw = replaced if replaced is not None else read_bytes(item.path, stdin, limit)
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        result.diagnostics.append(Diagnostic(FILE_UNREADABLE, item.display, 1, 1,
                                             f"{item.display} cannot be read: {reason}."))
        return None
    if limit is not None and len(raw) > limit:
        result.diagnostics.append(Diagnostic(
            FILE_TOO_LARGE, item.display, 1, 1,
            f"{item.display} is larger than the {_size(limit)} limit, so it was not linted; raise "
            f"--max-file-size (or max-file-size in the config) if it really holds manifests."))
        return None
    text, problem = decode(raw)
    if text is None:
        result.diagnostics.append(Diagnostic(
            FILE_UNREADABLE, item.display, 1, 1, f"{item.display} is not text kportlint can read: {problem}."))
        return None
    return SourceFile(item.display, text, item.path)


def in_chart_templates(item: InputFile, charts: "Charts") -> bool:
    """Whether the file is a template of a Helm chart (not parsed: accept() reports the chart)."""
    chart = charts.root_of(item.path)
    return chart is not None and charts.is_template(item.path, chart)


def accept(item: InputFile, source: SourceFile, parsed: Optional[Parsed], result: LoadResult,
           charts: "Charts") -> Optional[Parsed]:
    """The parsed file when it holds manifests to lint; otherwise None, with a finding that says why
    (a Helm template), or quietly for YAML that is no manifest. `parsed` is None for a chart's template."""
    chart = charts.root_of(item.path)
    if parsed is None:
        result.files.append(source)
        if chart is not None and charts.first_report(chart):  # one finding per chart, subcharts included
            result.diagnostics.append(Diagnostic(
                HELM_TEMPLATE, item.display, 1, 1,
                f"The Helm chart {display_path(chart)} holds templates, not manifests, so its templates/ "
                f"were skipped; render it and lint the output: "
                f"`helm template {display_path(chart)} | kportlint lint -`."))
        return None
    text = source.text
    # Outside a chart, the document's structure decides: template actions that break the YAML or turn
    # into mapping keys, or Helm's objects (.Values, include, toYaml) in the object's own fields, mark a
    # template. Go templates in embedded text (a ConfigMap's files, alert texts) do not.
    templated = chart is None and "{{" in text
    if parsed.errors and not _OBJECT_SIGN.search(text) and os.path.basename(item.path) not in KUSTOMIZATION_NAMES:
        result.skipped.append(item.display)
        return None
    result.files.append(source)
    if templated and (parsed.errors or parsed.template_like or
                      (helm_marked(text) and any(helm_in_fields(data) for _, data in parsed.docs))):
        result.diagnostics.append(Diagnostic(
            HELM_TEMPLATE, item.display, 1, 1,
            "This file is a Helm template, not a manifest, so it was skipped; render it and lint "
            "the output: `helm template <chart> | kportlint lint -`."))
        return None
    result.diagnostics.extend(parsed.errors)
    if not templated:
        result.diagnostics.extend(parsed.notes)
    else:  # in a template, odd keys are template actions; only duplicates are worth a word
        result.diagnostics.extend(d for d in parsed.notes if d.rule == DUPLICATE_KEY)
    parsed.real = item.real
    return parsed


def _size(count: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale and count % scale == 0:
            return f"{count // scale} {unit}"
    return f"{count:,} bytes"
