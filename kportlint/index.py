"""Lookups across all objects of a run: by kind and name, and pod templates by label."""

from __future__ import annotations

import os
from collections import defaultdict
from typing import Any, Callable, Hashable, Iterable, Optional, TypeVar

from .input.discovery import STDIN
from .model import Manifest, PodTemplate, Settings
from .k8s.selectors import Selector
from .k8s.workloads import KindTable, TemplateKind, may_create_pods, pod_templates


T = TypeVar("T")


class ObjectIndex:
    """Built once per run; answers the questions every rule asks."""

    def __init__(self, manifests: Iterable[Manifest], kinds: Optional[KindTable] = None,
                 settings: Optional[Settings] = None,
                 units: Optional[dict[str, frozenset[tuple[str, str, str, str]]]] = None) -> None:
        self.kinds = kinds or KindTable()
        self._alternatives = _alternatives(units or {})
        self._views: dict[str, "UnitView"] = {}
        self.manifests: list[Manifest] = list(manifests)
        self.settings = settings or Settings()
        self._by_kind: dict[str, list[Manifest]] = defaultdict(list)
        self._by_name: dict[tuple[str, str, str], list[Manifest]] = defaultdict(list)
        self.templates: list[PodTemplate] = []
        self._template_of: dict[int, PodTemplate] = {}
        self._template_kind_of: dict[int, TemplateKind] = {}
        # Inverted label index over pod templates.
        self._exact: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        self._any_value: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._in_namespace: dict[str, list[int]] = defaultdict(list)
        self._answers: dict[Hashable, Any] = {}
        self._folder_parts: dict[str, tuple[str, ...]] = {}
        self.label_keys: set[str] = set()  # every label key a pod template carries, in any namespace
        self._by_folder: Optional[dict[tuple[str, ...], list[PodTemplate]]] = None
        self._custom_by_name: dict[tuple[str, str], list[Manifest]] = defaultdict(list)
        for manifest in self.manifests:
            self._by_kind[manifest.kind].append(manifest)
            self._by_name[(manifest.kind, manifest.namespace, manifest.name)].append(manifest)
            entry = self.kinds.lookup(manifest)
            if entry is None:
                if may_create_pods(manifest):
                    self._custom_by_name[(manifest.namespace, manifest.name)].append(manifest)
                continue
            self._template_kind_of[id(manifest)] = entry
            for template in pod_templates(manifest, entry):
                self._add_template(template)

    def _add_template(self, template: PodTemplate) -> None:
        number = len(self.templates)
        self.templates.append(template)
        self._template_of.setdefault(id(template.owner), template)
        ns = template.namespace
        self._in_namespace[ns].append(number)
        self.label_keys.update(template.labels)
        self.label_keys.update(template.extra_labels)
        for key, value in template.labels.items():
            self._exact[(ns, key, value)].append(number)
        for key, values in template.extra_labels.items():
            if values is None:
                self._any_value[(ns, key)].append(number)
            else:
                for value in values:
                    self._exact[(ns, key, value)].append(number)

    def view(self, manifest: Manifest) -> "ObjectIndex":
        """The index as the object's deployment unit sees it: a kustomize build sees its own objects
        first, and never those of its alternatives (builds that make the same object from the same
        source file, such as two overlays of one base, which are deployed to different places) nor
        the files in a kustomization's folder that no build uses (no build deploys them)."""
        unit = next(iter(manifest.builds), None) if manifest.builds else None
        if unit is None:
            return self
        if unit not in self._views:
            self._views[unit] = UnitView(self, unit, self._alternatives.get(unit, frozenset()))
        return self._views[unit]  # type: ignore[return-value]

    def distance(self, viewer: Manifest, other: Manifest) -> int:
        """How far apart two objects are deployed: 0 in one kustomize build or one plain file, then
        1 for the same folder (or below it), one more for each folder up to the one both are in."""
        if viewer.builds and viewer.builds & other.builds:
            return 0
        if not viewer.builds and not other.builds and viewer.source is other.source:
            return 0
        here, there = self._folders(viewer), self._folders(other)
        common = 0
        for a, b in zip(here, there):
            if a != b:
                break
            common += 1
        return 1 + len(here) - common

    def deployed_together(self, one: Manifest, other: Manifest) -> bool:
        """In one kustomize build, or one plain file: applied as one set."""
        return self.distance(one, other) == 0

    def _folders(self, manifest: Manifest) -> tuple[str, ...]:
        source = manifest.source
        if source.path not in self._folder_parts:
            opened = source.origin or source.path
            # stdin is a place of its own, so that a verdict does not depend on the working folder
            parts = ("<stdin>",) if opened == STDIN else tuple(os.path.dirname(os.path.abspath(opened)).split(os.sep))
            self._folder_parts[source.path] = parts
        return self._folder_parts[source.path]

    def templates_beside(self, viewer: Manifest) -> list[PodTemplate]:
        """The pod templates of the viewer's namespace in its build or file, or in its folder or below."""
        if self._by_folder is None:
            self._by_folder = defaultdict(list)
            for template in self.templates:
                self._by_folder[self._folders(template.owner)].append(template)
        here = self._folders(viewer)
        found = [t for folder, templates in self._by_folder.items() if folder[:len(here)] == here for t in templates]
        if viewer.builds:
            found += [t for t in self.templates if viewer.builds & t.owner.builds]
        unique = {id(t): t for t in found if t.namespace == viewer.namespace}
        return list(unique.values())

    def nearest(self, viewer: Manifest, templates: list[PodTemplate]) -> list[PodTemplate]:
        """Of `templates`, those deployed nearest to `viewer`: in its build or file, else its folder,
        else the nearest folder above that holds any. A Service is judged against these, so that
        neither copies of a workload elsewhere nor another application's pods decide its verdict."""
        if len(templates) < 2:
            return templates
        distances = [self.distance(viewer, t.owner) for t in templates]
        closest = min(distances)
        return [t for t, d in zip(templates, distances) if d == closest]

    def answer(self, key: Hashable, compute: Callable[[], T]) -> T:
        """Compute a derived fact (a Service's route) once per run, whichever rule asks first."""
        if key not in self._answers:
            self._answers[key] = compute()
        return self._answers[key]

    # -- objects ---------------------------------------------------------------------------------
    def of_kind(self, kind: str) -> list[Manifest]:
        return self._by_kind.get(kind, [])

    def named(self, kind: str, namespace: str, name: str) -> list[Manifest]:
        return self._by_name.get((kind, namespace, name), [])

    def custom_resources_in(self, namespace: str) -> list[Manifest]:
        """Custom resources that may run pods in the namespace."""
        return [m for (ns, _), found in self._custom_by_name.items() if ns == namespace for m in found]

    def custom_resources_named(self, namespace: str, name: str) -> list[Manifest]:
        """Custom resources that may run pods (not pod templates) with this name in the namespace."""
        return self._custom_by_name.get((namespace, name), [])

    def namespaces(self) -> list[str]:
        return sorted(self._in_namespace)

    # -- pods ------------------------------------------------------------------------------------
    def template_of(self, manifest: Manifest) -> Optional[PodTemplate]:
        return self._template_of.get(id(manifest))

    def template_kind_of(self, manifest: Manifest) -> Optional[TemplateKind]:
        return self._template_kind_of.get(id(manifest))

    def templates_in(self, namespace: str) -> list[PodTemplate]:
        return [self.templates[i] for i in self._in_namespace.get(namespace, [])]

    def select(self, namespace: str, selector: Selector) -> list[PodTemplate]:
        """The pod templates in `namespace` whose pods the selector picks (empty selects all)."""
        candidates: Optional[set[int]] = None
        for key, value in selector.match_labels:
            ids = set(self._exact.get((namespace, key, value), ()))
            ids.update(self._any_value.get((namespace, key), ()))
            candidates = ids if candidates is None else candidates & ids
            if not candidates:
                return []
        if candidates is None:
            candidates = set(self._in_namespace.get(namespace, ()))
        found = [self.templates[i] for i in sorted(candidates)]
        if selector.expressions:
            found = [t for t in found if selector.matches(t.labels, t.extra_labels)]
        return found

    def namespaces_selecting(self, selector: Selector) -> list[str]:
        """Namespaces in which the selector picks at least one pod template."""
        return [ns for ns in self.namespaces() if self.select(ns, selector)]


def _alternatives(units: dict[str, frozenset[tuple[str, str, str, str]]]) -> dict[str, frozenset[str]]:
    """For each build, its alternatives: the builds that make one of its objects (the same kind,
    namespace and name) from the same source file. Both cannot be deployed to one cluster as they
    are, so they are deployed to different places: two overlays of one base, say. Builds that
    merely share a file but make different objects of it (a component that two applications
    include, with their own name prefixes) may run side by side."""
    by_object: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    for unit, made in units.items():
        for identity in made:
            by_object[identity].add(unit)
    found: dict[str, set[str]] = defaultdict(set)
    for sharing in by_object.values():
        if len(sharing) > 1:
            for unit in sharing:
                found[unit] |= sharing - {unit}
    return {unit: frozenset(others) for unit, others in found.items()}


class UnitView:
    """An ObjectIndex seen from one build: its alternatives hidden, its own objects preferred."""

    def __init__(self, index: ObjectIndex, unit: str, hidden: frozenset[str]) -> None:
        self._index = index
        self._unit = unit
        self._hidden = hidden
        self._kinds: dict[str, list[Manifest]] = {}
        self._manifests: Optional[list[Manifest]] = None

        # What does not depend on the viewer: the run's settings, and facts about one object.
        self.kinds = index.kinds
        self.settings = index.settings
        self.template_of = index.template_of
        self.template_kind_of = index.template_kind_of
        self.label_keys = index.label_keys
        self.distance = index.distance
        self.deployed_together = index.deployed_together
        self.nearest = index.nearest
        self.templates_beside = index.templates_beside

    def view(self, manifest: Manifest) -> ObjectIndex:
        return self._index.view(manifest)

    def namespaces(self) -> list[str]:
        return [ns for ns in self._index.namespaces() if self.templates_in(ns)]

    @property
    def manifests(self) -> list[Manifest]:
        if self._manifests is None:
            self._manifests = [m for m in self._index.manifests if self._visible(m)]
        return self._manifests

    def _visible(self, manifest: Manifest) -> bool:
        return not (manifest.builds & self._hidden) and not manifest.undeployed

    def _nearest(self, found: list[T], owner: Callable[[T], Manifest]) -> list[T]:
        visible = [item for item in found if self._visible(owner(item))]
        own = [item for item in visible if self._unit in owner(item).builds]
        return own or visible

    def answer(self, key: Hashable, compute: Callable[[], T]) -> T:
        return self._index.answer((self._unit, key), compute)

    def of_kind(self, kind: str) -> list[Manifest]:
        if kind not in self._kinds:
            self._kinds[kind] = [m for m in self._index.of_kind(kind) if self._visible(m)]
        return self._kinds[kind]

    def named(self, kind: str, namespace: str, name: str) -> list[Manifest]:
        return self._nearest(self._index.named(kind, namespace, name), lambda m: m)

    def custom_resources_named(self, namespace: str, name: str) -> list[Manifest]:
        return [m for m in self._index.custom_resources_named(namespace, name) if self._visible(m)]

    def custom_resources_in(self, namespace: str) -> list[Manifest]:
        return [m for m in self._index.custom_resources_in(namespace) if self._visible(m)]

    def templates_in(self, namespace: str) -> list[PodTemplate]:
        return [t for t in self._index.templates_in(namespace) if self._visible(t.owner)]

    def select(self, namespace: str, selector: Selector) -> list[PodTemplate]:
        return self._nearest(self._index.select(namespace, selector), lambda t: t.owner)

    def namespaces_selecting(self, selector: Selector) -> list[str]:
        return [ns for ns in self._index.namespaces() if self.select(ns, selector)]
