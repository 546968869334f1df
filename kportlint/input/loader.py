"""Paths -> Kubernetes objects (Manifest) with positions on demand: the top of the input layer. It
reads every file, builds the kustomizations among them, expands Lists, gives each object its
namespace, and says which files no build uses; the findings of the input layer come with them."""

from __future__ import annotations

import gc
from typing import BinaryIO, Callable, Optional

from .builds import NOT_RUN, UNUSED, build_roots
from .discovery import discover
from .fragments import looks_like_fragment, named_like_patch
from .helm import Charts
from .kustomizations import Kustomization, Tree
from .kustomize import DEFAULT_TIMEOUT, Kustomize
from .no_objects import no_objects
from .parallel import parse_many
from .reading import Sources, accept, in_chart_templates, read_source
from .result import LoadResult
from ..model import Manifest, document_objects, has_namespace, namespace_or

DEFAULT_MAX_FILE_SIZE = 32 * 1024 * 1024


def load(paths: list[str], namespace: str = "default", stdin: Optional[BinaryIO] = None,
         max_file_size: int = DEFAULT_MAX_FILE_SIZE, excluded: Optional[Callable[[str], bool]] = None,
         overrides: Optional[dict[str, Optional[bytes]]] = None, kustomize: Optional[Kustomize] = None,
         build_timeout: float = DEFAULT_TIMEOUT, jobs: int = 0) -> LoadResult:
    """Read every manifest below `paths`, and build the kustomizations among them with `kustomize`
    (None: lint them as plain files). Raises discovery.PathNotFound for a missing path.

    A file larger than `max_file_size` bytes is not read (0: no limit). `overrides` replaces the
    content of files (by resolved path), or leaves them out (None): the state before a change.
    `jobs` worker processes parse the files (0: one per core when there are many; parallel.py).
    """
    result = LoadResult()
    charts = Charts()
    # Composing allocates millions of small objects that are never cyclic garbage; the cyclic
    # collector only slows that down, so it waits until loading is done.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        supplied = frozenset(real for real, content in (overrides or {}).items() if content is not None)
        inputs = [i for i in discover(paths, excluded, supplied)
                  if not overrides or overrides.get(i.real, b"") is not None]
        read = [(i, source) for i in inputs
                for source in [read_source(i, stdin, result, max_file_size, overrides)] if source is not None]
        to_parse = [source for i, source in read if not in_chart_templates(i, charts)]
        found = iter(parse_many(to_parse, jobs))
        parsed = [p for p in (accept(i, source, None if in_chart_templates(i, charts) else next(found), result,
                                     charts) for i, source in read) if p is not None]
    finally:
        gc.freeze()  # what was loaded lives until the run ends: keep it out of later collections
        if gc_was_enabled:
            gc.enable()
    tree = Tree.of([Kustomization(p.real, p.source, p.docs[0][1] if p.docs else {})
                    for p in parsed if p.kustomization])
    sources = Sources({p.real: p for p in parsed}, result, max_file_size)
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
        partial = named_like_patch(item.real)
        for doc_index, data in item.docs:
            for base, obj in document_objects(data):
                if looks_like_fragment(item.real, obj):
                    continue
                result.manifests.append(Manifest(item.source, doc_index, base, obj, namespace_or(obj, namespace),
                                                 namespace_given=has_namespace(obj), cap=cap,
                                                 undeployed=cap == UNUSED, maybe_partial=partial))
    result.diagnostics += no_objects(paths, result)
    return result
