"""Bad input never crashes kportlint: each hostile file is generated here, linted beside a good file
that must still be checked, and must give a clear finding, never a traceback.

The good file in every case is a Service whose targetPort names a port its Deployment lacks, so a
`target-port-unresolved` finding proves the run went on past the hostile file.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Optional

import pytest
from manifests import DEPLOYMENT, SERVICE

from kportlint.reporters import REPORTERS

SCRIPT = Path(sys.executable).parent / ("kportlint.exe" if os.name == "nt" else "kportlint")

GOOD = DEPLOYMENT.replace("{name: http,", "{name: web,") + "---\n" + SERVICE  # targetPort http: unresolved


def cli(*args: str, cwd: Path, stdin: Optional[bytes] = None) -> subprocess.CompletedProcess:
    # The timeout only guards against a hang; speed is measured by benchmarks/, not by tests.
    return subprocess.run([str(SCRIPT), *args], cwd=cwd, input=stdin, capture_output=True, timeout=300)


def lint_json(folder: Path, *args: str) -> tuple[int, list[dict]]:
    done = cli("lint", "--format", "json", *args, ".", cwd=folder)
    assert done.stderr == b"", done.stderr.decode()
    assert done.returncode in (0, 1)
    return done.returncode, json.loads(done.stdout)["findings"]


def rules_at(findings: list[dict]) -> set[tuple[str, str, int]]:
    return {(f["rule"], f["file"], f["line"]) for f in findings}


def with_good(folder: Path, name: str, content: bytes) -> Path:
    (folder / "good.yaml").write_text(GOOD, encoding="utf-8")
    path = folder / name
    path.write_bytes(content)
    return path


def good_still_linted(findings: list[dict]) -> bool:
    return ("target-port-unresolved", "good.yaml", 26) in rules_at(findings)


# --- malformed input ----------------------------------------------------------------------------

def test_malformed_yaml_keeps_the_other_documents(tmp_path: Path) -> None:
    broken = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkey: [unclosed\n---\n" + GOOD
    (tmp_path / "mixed.yaml").write_text(broken, encoding="utf-8")
    _, findings = lint_json(tmp_path)
    [syntax] = [f for f in findings if f["rule"] == "yaml-syntax"]
    assert syntax["line"] == 6 and "flow sequence that starts on line 5" in syntax["message"]
    assert ("target-port-unresolved", "mixed.yaml", 6 + 26) in rules_at(findings)


def test_truncated_json_is_a_syntax_finding(tmp_path: Path) -> None:
    with_good(tmp_path, "broken.json", b'{\n  "apiVersion": "v1",\n  "kind": "Service",\n  "spec": {"ports": [\n')
    _, findings = lint_json(tmp_path)
    [syntax] = [f for f in findings if f["rule"] == "yaml-syntax"]
    assert (syntax["file"], syntax["line"]) == ("broken.json", 5)
    assert "the text ends before the document is complete" in syntax["message"]
    assert good_still_linted(findings)


def test_json_indented_with_tabs_is_read(tmp_path: Path) -> None:
    document = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "tabbed"},
                "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": "nope"}]}}
    with_good(tmp_path, "tabbed.json", json.dumps(document, indent="\t").encode())
    _, findings = lint_json(tmp_path)
    assert ("target-port-unresolved", "tabbed.json", 14) in rules_at(findings)


# --- tags, keys and aliases ---------------------------------------------------------------------

def test_python_tags_are_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payload = f'!!python/object/apply:os.system ["touch {marker}"]'
    hostile = (f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {payload}\n"
               f"data:\n  a: !!python/object/new:os.system [\"touch {marker}\"]\n"
               f"  b: !!python/name:os.system\n  c: {payload}\n")
    with_good(tmp_path, "tags.yaml", hostile.encode())
    code, findings = lint_json(tmp_path, "--schema")
    assert not marker.exists()
    assert good_still_linted(findings)


def test_unknown_tags_are_plain_values(tmp_path: Path) -> None:
    # `!vault web` is the string "web": the selector matches, so the route is judged (and fails).
    with_good(tmp_path, "good.yaml", b"")
    (tmp_path / "good.yaml").write_text(GOOD.replace("selector: {app: web}", "selector: {app: !vault web}"))
    _, findings = lint_json(tmp_path)
    assert [f["rule"] for f in findings] == ["target-port-unresolved"]


def test_duplicate_key_is_reported_and_the_last_one_wins(tmp_path: Path) -> None:
    # The first selector would match nothing; Kubernetes keeps the second, which matches.
    service = ("apiVersion: v1\nkind: Service\nmetadata:\n  name: dup\nspec:\n  selector: {app: nothing}\n"
               "  ports: [{port: 80, targetPort: web}]\n  selector: {app: web}\n")
    with_good(tmp_path, "dup.yaml", service.encode())
    _, findings = lint_json(tmp_path)
    [duplicate] = [f for f in findings if f["file"] == "dup.yaml"]
    assert (duplicate["rule"], duplicate["line"], duplicate["column"]) == ("duplicate-key", 8, 3)
    assert "line 6" in duplicate["message"]
    assert good_still_linted(findings)


def billion_laughs(levels: int) -> str:
    # A custom resource: no schema to object to its shape, so only the aliasing can be a finding.
    lines = ["apiVersion: example.com/v1", "kind: Laugh", "metadata: {name: lol}", "spec:",
             '  m0: &m0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"  m{i}: &m{i} [" + ",".join([f"*m{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("extra", [(), ("--schema",)], ids=["default", "schema"])
def test_alias_bomb_is_counted_not_expanded(tmp_path: Path, extra: tuple[str, ...]) -> None:
    # 9^40 nodes if expanded: this run finishing at all shows nothing expands it, schema included.
    with_good(tmp_path, "bomb.yaml", billion_laughs(40).encode())
    _, findings = lint_json(tmp_path, *extra)
    [bomb] = [f for f in findings if f["file"] == "bomb.yaml"]
    assert (bomb["rule"], bomb["line"], bomb["column"]) == ("yaml-unsupported", 1, 1)
    assert "alias bomb" in bomb["message"]
    counted = int(re.search(r"to ([\d,]+) nodes", bomb["message"]).group(1).replace(",", ""))
    assert counted > 9 ** 40  # counted, not expanded
    assert good_still_linted(findings)


def test_small_alias_fan_out_is_not_a_bomb(tmp_path: Path) -> None:
    with_good(tmp_path, "fan.yaml", billion_laughs(3).encode())
    _, findings = lint_json(tmp_path, "--schema")
    assert [f for f in findings if f["file"] == "fan.yaml"] == []


def test_recursive_alias(tmp_path: Path) -> None:
    with_good(tmp_path, "loop.yaml", b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: loop}\n"
                                     b"data: &d\n  self: *d\n")
    _, findings = lint_json(tmp_path, "--schema")
    assert ("yaml-unsupported", "loop.yaml", 5) in rules_at(findings)
    assert good_still_linted(findings)


@pytest.mark.parametrize("style", ["flow", "block"])
def test_5000_levels_of_nesting(tmp_path: Path, style: str) -> None:
    if style == "flow":
        body = "data: " + "[" * 5000 + "]" * 5000 + "\n"
    else:
        body = "data:\n" + "".join("  " * (i + 1) + "k:\n" for i in range(5000))
    with_good(tmp_path, "deep.yaml", ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\n" + body).encode())
    _, findings = lint_json(tmp_path, "--schema")
    [deep] = [f for f in findings if f["file"] == "deep.yaml"]
    assert deep["rule"] == "yaml-syntax" and "nesting depth" in deep["message"]
    assert good_still_linted(findings)


def test_300_levels_are_read_to_a_bounded_depth(tmp_path: Path) -> None:
    body = "spec: " + "[" * 300 + "]" * 300 + "\n"
    with_good(tmp_path, "deep.yaml", ("apiVersion: example.com/v1\nkind: Deep\nmetadata: {name: deep}\n"
                                      + body).encode())
    _, findings = lint_json(tmp_path, "--schema")
    [deep] = [f for f in findings if f["file"] == "deep.yaml"]
    assert (deep["rule"], deep["line"]) == ("yaml-unsupported", 4)
    assert "256 levels" in deep["message"]


# --- encodings and binary files -----------------------------------------------------------------

@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32",
                                   "utf-32-le", "utf-32-be"])
def test_unicode_encodings_with_a_byte_order_mark(tmp_path: Path, codec: str) -> None:
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
           "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}.get(codec, b"")
    (tmp_path / "good.yaml").write_bytes(bom + GOOD.replace("name: web\n", "name: wéb\n", 1).encode(codec))
    _, findings = lint_json(tmp_path)
    assert good_still_linted(findings), findings


@pytest.mark.parametrize(("content", "reason"), [
    ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: café}\n".encode("latin-1"), "invalid UTF-8"),
    ("apiVersion: v1\nkind: ConfigMap\n".encode("utf-16-le"), "NUL bytes"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "NUL bytes"),
    (codecs.BOM_UTF16_LE + b"\x00\xd8", "invalid UTF-16"),
], ids=["latin-1", "utf-16-without-bom", "binary", "broken-utf-16"])
def test_unreadable_encodings_are_a_finding_that_names_the_file(tmp_path: Path, content: bytes,
                                                                reason: str) -> None:
    with_good(tmp_path, "odd.yaml", content)
    _, findings = lint_json(tmp_path)
    [odd] = [f for f in findings if f["file"] == "odd.yaml"]
    assert odd["rule"] == "file-unreadable"
    assert "odd.yaml" in odd["message"] and reason in odd["message"]
    assert good_still_linted(findings)


# --- size -----------------------------------------------------------------------------------------

def test_a_20_mb_string_value(tmp_path: Path) -> None:
    big = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: \"" + "x" * 20_000_000 + "\"\n"
    with_good(tmp_path, "big.yaml", big.encode())
    _, findings = lint_json(tmp_path)
    assert [f["file"] for f in findings] == ["good.yaml"]


def test_30000_documents_in_one_file(tmp_path: Path) -> None:
    documents = "".join(f"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\ndata:\n  k: v\n"
                        for i in range(30_000))
    (tmp_path / "many.yaml").write_text(documents + "---\n" + GOOD, encoding="utf-8")
    done = cli("lint", "--format", "json", ".", cwd=tmp_path)
    report = json.loads(done.stdout)
    assert report["summary"]["documents"] == 30_002
    [finding] = report["findings"]
    assert (finding["rule"], finding["line"]) == ("target-port-unresolved", 30_000 * 7 + 1 + 26)


@pytest.mark.parametrize(("limit", "skipped"), [("1KiB", True), ("1048576", False), ("0", False)])
def test_size_limit(tmp_path: Path, limit: str, skipped: bool) -> None:
    with_good(tmp_path, "large.yaml", ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: large}\n"
                                       "data:\n  k: " + "x" * 5000 + "\n").encode())
    _, findings = lint_json(tmp_path, "--max-file-size", limit)
    large = [(f["rule"], f["line"]) for f in findings if f["file"] == "large.yaml"]
    assert large == ([("file-too-large", 1)] if skipped else [])
    assert good_still_linted(findings)


def test_size_limit_applies_to_stdin(tmp_path: Path) -> None:
    done = cli("lint", "--max-file-size", "100", "-", cwd=tmp_path, stdin=GOOD.encode())
    assert done.returncode == 1
    assert done.stdout.decode().startswith("<stdin>:1:1: warning file-too-large <stdin> is larger than the "
                                           "100 bytes limit")


def test_bad_size_is_a_usage_error(tmp_path: Path) -> None:
    done = cli("lint", "--max-file-size", "lots", ".", cwd=tmp_path)
    assert done.returncode == 2
    assert b"'lots' is not a size like 32MiB" in done.stderr and b"Traceback" not in done.stderr


# --- paths ------------------------------------------------------------------------------------------

def test_missing_path_is_exit_2_naming_it(tmp_path: Path) -> None:
    with_good(tmp_path, "x.txt", b"")
    done = cli("lint", "good.yaml", "nowhere.yaml", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr == b"kportlint: error: no such file or directory: nowhere.yaml\n"


def test_dangling_symlink_is_an_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "missing-target.yaml")
    with_good(tmp_path, "x.txt", b"")
    _, findings = lint_json(tmp_path)
    assert ("file-unreadable", "gone.yaml", 1) in rules_at(findings)
    assert good_still_linted(findings)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_file_without_read_permission(tmp_path: Path) -> None:
    locked = with_good(tmp_path, "locked.yaml", GOOD.encode())
    locked.chmod(0)
    try:
        _, findings = lint_json(tmp_path)
    finally:
        locked.chmod(0o644)
    [finding] = [f for f in findings if f["file"] == "locked.yaml"]
    assert finding["rule"] == "file-unreadable" and "Permission denied" in finding["message"]
    assert good_still_linted(findings)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root lists any folder")
def test_folder_without_permission(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    with_good(tmp_path, "x.txt", b"")
    locked.chmod(0)
    try:
        _, findings = lint_json(tmp_path)
    finally:
        locked.chmod(0o755)
    assert ("file-unreadable", "locked", 1) in rules_at(findings)
    assert good_still_linted(findings)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_in_a_folder_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")  # reading it would block forever
    with_good(tmp_path, "x.txt", b"")
    _, findings = lint_json(tmp_path)
    assert [f["file"] for f in findings] == ["good.yaml"]


def test_symlink_loop_is_walked_once(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "good.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "app" / "loop").symlink_to(tmp_path, target_is_directory=True)
    _, findings = lint_json(tmp_path)
    assert [f["file"] for f in findings] == ["app/good.yaml"]


@pytest.mark.parametrize("output_format", sorted(REPORTERS))
def test_stdin_in_every_format(tmp_path: Path, output_format: str) -> None:
    done = cli("lint", "--format", output_format, "-", cwd=tmp_path, stdin=GOOD.encode())
    assert done.returncode == 1 and done.stderr == b""
    out = done.stdout.decode()
    assert out.count("target-port-unresolved") >= 1 and "Traceback" not in out
    if output_format in ("json", "sarif"):
        report = json.loads(out)
        results = report["findings"] if output_format == "json" else report["runs"][0]["results"]
        assert len(results) == 1
    else:
        assert "<stdin>" in out or output_format == "github"


# --- nothing is written ----------------------------------------------------------------------------

def snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    state = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            info = path.stat()
            state[path.relative_to(folder).as_posix()] = (path.read_bytes(), info.st_mtime_ns, info.st_mode)
    return state


def test_nothing_is_written_to_the_linted_files(tmp_path: Path) -> None:
    with_good(tmp_path, "bomb.yaml", billion_laughs(12).encode())
    (tmp_path / "dup.yaml").write_text("a: 1\na: 2\n")
    (tmp_path / "broken.yaml").write_text("key: [unclosed\n")
    (tmp_path / "utf16.yaml").write_bytes(codecs.BOM_UTF16_LE + GOOD.encode("utf-16-le"))
    (tmp_path / "kustomization.yaml").write_text("resources: [good.yaml]\nnamespace: shop\n")
    before = snapshot(tmp_path)
    for args in (("lint", "."), ("lint", "--schema", "--format", "json", ".")):
        assert cli(*args, cwd=tmp_path).returncode == 1
    assert snapshot(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(before)
