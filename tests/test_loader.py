"""The loader through its public API: files in, Manifests with positions and diagnostics out.

Hostile input (tags, alias bombs, deep nesting, duplicate keys, broken documents, encodings, symlink
loops, missing paths) is test_hostile.py's, end to end.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from manifests import SERVICE

from kportlint.input import kustomize
from kportlint.input.discovery import display_path
from kportlint.input.loader import load


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_positions_point_at_the_field(tmp_path: Path) -> None:
    write(tmp_path, "svc.yaml", "# leading comment\n---\n" + SERVICE)
    [svc] = load([str(tmp_path)]).manifests
    assert (svc.position("/spec/ports/0/targetPort").line, svc.position("/spec/ports/0/targetPort").column) == (11, 19)
    assert svc.position("/spec/ports/0").line == 10
    assert svc.position("/spec/selector").line == 8
    # A pointer that goes past what exists resolves to the deepest node on the way.
    assert svc.position("/spec/ports/0/nodePort").line == 10


def test_multi_document_list_and_json(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", SERVICE + "---\n" + SERVICE.replace("name: web\nspec", "name: two\nspec"))
    write(tmp_path, "list.yaml", "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n"
                                 "    metadata: {name: one}\n")
    write(tmp_path, "typed.yaml", "apiVersion: v1\nkind: ServiceList\nitems:\n  - metadata: {name: typed}\n")
    write(tmp_path, "b.json", '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "js"}}')
    result = load([str(tmp_path)])
    refs = sorted(m.ref for m in result.manifests)
    assert refs == ["ConfigMap default/js", "ConfigMap default/one", "Service default/two",
                    "Service default/typed", "Service default/web"]
    item = next(m for m in result.manifests if m.name == "one")
    assert item.base_pointer == "/items/0"
    assert item.position("/metadata/name").line == 6


def test_documents_without_kind_are_ignored_quietly(tmp_path: Path) -> None:
    write(tmp_path, "values.yaml", "replicaCount: 1\nimage: {repository: nginx}\n")
    write(tmp_path, "Chart.yaml", "apiVersion: v2\nname: chart\n")
    write(tmp_path, "service.yaml", SERVICE)
    result = load([str(tmp_path)])
    assert [m.name for m in result.manifests] == ["web"] and result.diagnostics == []


def test_input_without_any_object_is_said(tmp_path: Path) -> None:
    write(tmp_path, "values.yaml", "replicaCount: 1\n")
    (tmp_path / "empty").mkdir()
    [diag] = load([str(tmp_path)]).diagnostics
    assert diag.rule == "no-objects" and "1 file read" in diag.message
    write(tmp_path, "service.yaml", SERVICE)
    [diag] = load([str(tmp_path), str(tmp_path / "empty")]).diagnostics  # a named folder with none
    assert diag.rule == "no-objects" and diag.file.endswith("empty")
    [diag] = load(["-"], stdin=io.BytesIO(b"")).diagnostics
    assert diag.rule == "no-objects" and diag.message.startswith("Standard input holds no Kubernetes object")


def test_a_file_that_is_no_manifest_is_skipped_and_counted(tmp_path: Path) -> None:
    write(tmp_path, "tsconfig.json", '{\n  // comments are not JSON\n  "compilerOptions": {"strict": true,},\n}\n')
    write(tmp_path, "broken.yaml", "apiVersion: v1\nkind: Service\nmetadata: [unclosed\n")
    result = load([str(tmp_path)])
    assert [Path(p).name for p in result.skipped] == ["tsconfig.json"]
    assert [d.rule for d in result.diagnostics] == ["yaml-syntax"]  # a broken manifest is still an error


def test_yaml_1_1_scalars_like_kubernetes(tmp_path: Path) -> None:
    write(tmp_path, "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a: yes\n"
                               "  b: 0x1F\n  c: '80'\n  d: 80\n")
    [cm] = load([str(tmp_path)]).manifests
    assert cm.data["data"] == {"a": True, "b": 31, "c": "80", "d": 80}


def test_anchor_reused_thousands_of_times_is_shared(tmp_path: Path) -> None:
    lines = ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: shared}", "data:",
             "  base: &base {a: '1', b: '2', c: '3'}"]
    lines += [f"  k{i}: *base" for i in range(5000)]
    write(tmp_path, "shared.yaml", "\n".join(lines) + "\n")
    result = load([str(tmp_path)])
    [cm] = result.manifests
    assert result.diagnostics == []
    assert cm.data["data"]["k4999"] is cm.data["data"]["base"]  # shared, not copied


def test_hidden_folders_are_skipped(tmp_path: Path) -> None:
    write(tmp_path, "app/svc.yaml", SERVICE)
    write(tmp_path, ".git/config.yaml", SERVICE.replace("name: web\n", "name: hidden\n", 1))
    result = load([str(tmp_path)])
    assert [m.name for m in result.manifests] == ["web"] and len(result.files) == 1


def test_stdin(tmp_path: Path) -> None:
    result = load(["-"], stdin=io.BytesIO(SERVICE.encode()))
    [svc] = result.manifests
    assert svc.source.path == "<stdin>" and svc.position("/spec/ports/0/targetPort").line == 9


def test_kustomization_namespace_and_patches(tmp_path: Path) -> None:
    write(tmp_path, "base/kustomization.yaml", "resources: [deploy.yaml]\npatches:\n  - path: sidecar.yaml\n")
    write(tmp_path, "base/deploy.yaml", """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: api
          ports: [{name: http, containerPort: 8080}]
""")
    write(tmp_path, "base/sidecar.yaml", """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
        - name: proxy
          image: proxy
          ports: [{name: https, containerPort: 8443}]
""")
    write(tmp_path, "overlay/kustomization.yaml", "namespace: shop\nresources: [../base]\n")
    result = load([str(tmp_path)], kustomize=kustomize.find())
    [api] = result.manifests  # the base is built inside the overlay, and the patch is no object
    assert api.namespace == "shop" and api.builds == frozenset({display_path(str(tmp_path / "overlay"))})
    names = [c["name"] for c in api.data["spec"]["template"]["spec"]["containers"]]
    assert sorted(names) == ["api", "proxy"]
    assert "annotations" not in api.data["metadata"]  # kportlint's build annotations are gone
    file, position = api.location("/spec/template/spec/containers/0/ports/0/containerPort")
    assert (os.path.basename(file), position.line) == ("sidecar.yaml", 10)  # the patch wrote it
    file, position = api.location("/metadata/namespace")
    assert (os.path.relpath(file, tmp_path), position.line) == ("overlay/kustomization.yaml", 1)


def test_helm_chart_is_skipped_with_one_finding(tmp_path: Path) -> None:
    write(tmp_path, "chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.0.0\n")
    write(tmp_path, "chart/templates/a.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n")
    write(tmp_path, "chart/templates/b.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Values.x }}\n")
    result = load([str(tmp_path)])
    assert result.manifests == []
    assert [d.rule for d in result.diagnostics] == ["helm-template-skipped"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab:- \n[]{}&*!|>'\"#%@`,?0123\t")), max_size=200))
def test_random_yamlish_text_never_raises(text: str) -> None:
    result = load(["-"], stdin=io.BytesIO(text.encode()))
    for diag in result.diagnostics:
        assert diag.line >= 1 and diag.column >= 1
