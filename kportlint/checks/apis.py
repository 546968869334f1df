"""API versions the target Kubernetes no longer serves (api-removed) or will stop serving, and
custom-resource API versions their own project dropped or deprecated (api-deprecated)."""

from __future__ import annotations

from typing import Any, Iterator, Optional

from ..index import ObjectIndex
from ..k8s import apis
from ..k8s.api_changes import (ALL_PODS, KUBERNETES, NO_PODS, PSA, Allowed, Change, Default, Disallowed, Meaning,
                               Removed, Renamed, Required, Unique)
from ..k8s.apis import Verdict
from ..k8s.schema import resolve_version
from ..model import Manifest, Problem
from ..wording import label_pairs, listing
from .registry import check

_POINTER = "/apiVersion"
# How a place in an object reads, by the last part of its path; other places are named by their path.
_NOUNS = {
    "backend": "a backend", "paths[]": "each path", "webhooks[]": "each webhook", "endpoints[]": "each endpoint",
    "resource": "a resource metric", "pods": "a pods metric", "object": "an object metric",
    "external": "an external metric",
}
_MEANINGS = {ALL_PODS: "every pod in the namespace", NO_PODS: "none"}


@check("api-removed")
def api_removed(manifest: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    target = _target(index)
    verdict = apis.lookup(manifest.api_version, manifest.kind, target)
    if verdict is None:
        gone = apis.unserved(manifest.api_version, manifest.kind, target)
        if gone is not None:
            yield Problem(manifest, _POINTER, _unserved(manifest, gone, target))
        return
    if verdict.api.project != KUBERNETES or not verdict.removed:
        return
    yield Problem(manifest, _POINTER, (
        f"{manifest.ref} uses {manifest.api_version}, which Kubernetes {verdict.api.removed} removed, so the API "
        f"server rejects it on {target}. {_fix(verdict, manifest.data)}"))


@check("api-deprecated")
def api_deprecated(manifest: Manifest, index: ObjectIndex) -> Iterator[Problem]:
    target = _target(index)
    verdict = apis.lookup(manifest.api_version, manifest.kind, target)
    if verdict is None:
        return
    api, project = verdict.api, verdict.api.project
    if project == KUBERNETES:
        if verdict.removed:
            return  # api-removed
        serves = "serves it where the cluster turns it on (a beta API off by default)" if api.off_by_default \
            else "still serves it"
        what = (f"which Kubernetes {api.deprecated} deprecated and {api.removed} removes: {target} {serves}, but "
                f"from {api.removed} on the API server rejects it")
    elif api.removed:
        when = (api.removed if api.removed == api.deprecated
                else f"{api.deprecated} deprecated and {project} {api.removed}")
        what = (f"which {project} {when} dropped, so with that release or a later one the object is rejected or "
                f"ignored")
    else:
        what = (f"which {project} {api.deprecated} deprecated: a later release can drop it, and then the object "
                f"is rejected")
    yield Problem(manifest, _POINTER, f"{manifest.ref} uses {manifest.api_version}, {what}. "
                                      f"{_fix(verdict, manifest.data)}")


def _unserved(manifest: Manifest, gone: apis.Unserved, target: str) -> str:
    if gone.removed:
        stage = " (an alpha API: removed without a deprecation)" if "alpha" in manifest.api_version else ""
        when = f"which Kubernetes {gone.removed} no longer serves{stage}"
    else:
        when = f"which Kubernetes serves from {gone.first} on"
    if gone.served_as:
        use = gone.served_as[0]
        off = " (alpha: served only where the cluster turns it on)" if "alpha" in use else ""
        fix = f"Use {use}, which {target} serves{off}, or target {gone.first} or later" if not gone.removed \
            else f"Use {use}, which {target} serves{off}"
    elif gone.removed:
        fix = f"{target} serves no {manifest.kind} (the last that did was {gone.last}): delete the object"
    else:
        fix = f"{target} serves no {manifest.kind}: target {gone.first} or later"
    return f"{manifest.ref} uses {manifest.api_version}, {when}, so the API server rejects it on {target}. {fix}."


def _target(index: ObjectIndex) -> str:
    return index.settings.option("kubernetes-version") or resolve_version(None)


def _fix(verdict: Verdict, data: dict[str, Any]) -> str:
    if verdict.replacement is None:
        if verdict.instead == PSA:
            return ("Nothing replaces it: enforce pod security with Pod Security Admission (the "
                    "pod-security.kubernetes.io labels of a namespace) or an admission webhook, and delete this "
                    "object.")
        return "Nothing replaces it: delete this object."
    project = verdict.api.project
    since = f"served since {verdict.since}" if project == KUBERNETES else f"{project} {verdict.since} and later"
    clauses = _clauses(verdict.changes, data)
    there = f"; there {_joined(clauses)}" if clauses else ""
    return f"Use {verdict.replacement} ({since}){there}."


def _clauses(changes: tuple[Change, ...], data: dict[str, Any]) -> list[str]:
    """What else changes, in the object's own terms: only the changes that touch it as written."""
    touched = [(change, at) for change in changes for at in apis.where(change, data)]
    clauses: list[str] = []
    renamed: dict[str, tuple[list[str], list[str]]] = {}  # noun -> (new fields, old fields)
    for change, at in touched:
        if isinstance(change, Renamed):
            noun = _noun(at)
            new = change.new + "".join(f" (with {k}: {v})" for k, v in change.sets)
            if noun is None:
                clauses.append(f"{_full(at, change.new)} replaces {_full(at, change.field)}")
            else:
                news, olds = renamed.setdefault(noun, ([], []))
                news.extend([new] if new not in news else [])
                olds.extend([change.field] if change.field not in olds else [])
    clauses[:0] = [f"{noun} has {listing(news)} instead of {listing(olds)}" for noun, (news, olds) in renamed.items()]
    seen: set[str] = set()
    for change, at in touched:
        clause = _clause(change, at, data)
        if clause and clause not in seen:
            seen.add(clause)
            clauses.append(clause)
    defaults = list(dict.fromkeys(f"{_full(at, c.field)} {_shown(c.new)} (was {_shown(c.old)})"
                                  for c, at in touched if isinstance(c, Default)))
    if defaults:
        clauses.append(f"unset fields get new defaults: {listing(defaults)}")
    return clauses


def _clause(change: Change, at: str, data: dict[str, Any]) -> Optional[str]:
    full, noun = _full(at, change.field), _noun(at)
    if isinstance(change, Removed):
        return f"{full} no longer exists"
    if isinstance(change, Required):
        said = f"{noun} needs {change.field}" if noun else f"{full} is required"
        if change.values:
            keeps = f"; {change.keeps} keeps the old behaviour" if change.keeps else ""
            said += f" ({_either(change.values)}{keeps})"
        found, labels = apis.value_at(data, change.like) if change.like else (False, None)
        if found and isinstance(labels, dict) and labels:
            said += f" (use the template's labels as matchLabels: {label_pairs(labels)})"
        return said
    if isinstance(change, Allowed):
        return f"{full} must be {_either(change.values)}"
    if isinstance(change, Disallowed):
        instead = f" (set {change.instead}: {_shown(change.instead_value)} instead)" if change.instead else ""
        return f"{full}: {_shown(change.value)} is refused{instead}"
    if isinstance(change, Unique):
        return f"{full} must be unique"
    if isinstance(change, Meaning):
        old, new = _MEANINGS.get(change.old, _shown(change.old)), _MEANINGS.get(change.new, _shown(change.new))
        if change.value == {}:
            return f"an empty {full} selects {new} instead of {old}"
        if change.new == change.value:
            return f"{full}: {_shown(change.value)} stays {new} instead of becoming {old}"
        return f"{full}: {_shown(change.value)} means {new} instead of {old}"
    return None  # Renamed and Default are gathered by _clauses


def _noun(at: str) -> Optional[str]:
    return _NOUNS.get(at.rsplit(".", 1)[-1]) if at else None


def _full(at: str, name: str) -> str:
    return f"{at}.{name}" if at else name


def _either(values: tuple[Any, ...]) -> str:
    shown = [_shown(v) for v in values]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


def _shown(value: Any) -> str:
    if value is None:
        return "no limit"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _joined(clauses: list[str]) -> str:
    """Clauses as one list: with semicolons when a clause has commas of its own."""
    if len(clauses) > 1 and any("," in c for c in clauses):
        return "; ".join(clauses[:-1]) + "; and " + clauses[-1]
    return listing(clauses)
