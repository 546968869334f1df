#!/usr/bin/env python3
"""Write a synthetic manifest tree: many small apps, as in a large GitOps repository.

    python benchmarks/generate.py OUT [--documents 20000]

Each app is a folder with a Deployment, a Service, a ConfigMap and a ServiceAccount, as one
multi-document file or split into files. Every 25th app carries a routing mistake (a wrong
targetPort name or a selector typo), so a run also pays for position look-ups and messages.
The output depends only on the arguments.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

DOCS_PER_APP = 4

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
  labels:
    app.kubernetes.io/name: {name}
    app.kubernetes.io/part-of: {ns}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}
        app.kubernetes.io/part-of: {ns}
      annotations:
        checksum/config: "{checksum:016x}"
    spec:
      serviceAccountName: {name}
      containers:
        - name: app
          image: registry.example.com/{ns}/{name}:1.{replicas}.0
          args: ["--listen=:{port}", "--metrics=:9090"]
          ports:
            - name: http
              containerPort: {port}
            - name: metrics
              containerPort: 9090
          env:
            - name: CONFIG_PATH
              value: /etc/{name}/config.yaml
          readinessProbe:
            httpGet:
              path: /healthz
              port: http
          resources:
            requests: {{cpu: 50m, memory: 64Mi}}
            limits: {{memory: 128Mi}}
          volumeMounts:
            - name: config
              mountPath: /etc/{name}
      volumes:
        - name: config
          configMap:
            name: {name}
"""

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
spec:
  selector:
    app.kubernetes.io/name: {selector}
  ports:
    - name: http
      port: 80
      targetPort: {target}
    - name: metrics
      port: 9090
      targetPort: metrics
"""

CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}
  namespace: {ns}
data:
  config.yaml: |
    upstream: http://{peer}.{ns}.svc:80
    timeout: {replicas}s
    debug: no
"""

SERVICEACCOUNT = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {name}
  namespace: {ns}
"""


def app_documents(i: int, rng: random.Random) -> list[str]:
    ns = f"team-{i % 40:02d}"
    fields = dict(name=f"app-{i:05d}", ns=ns, replicas=rng.randint(1, 5), port=rng.choice((8080, 8000, 3000)),
                  checksum=rng.getrandbits(64), peer=f"app-{rng.randrange(max(i, 1)):05d}")
    fields["selector"], fields["target"] = fields["name"], "http"
    if i % 25 == 7:
        fields["target"] = "web"  # target-port-unresolved
    elif i % 25 == 19:
        fields["selector"] = fields["name"] + "x"  # dangling-service
    return [t.format(**fields) for t in (DEPLOYMENT, SERVICE, CONFIGMAP, SERVICEACCOUNT)]


def generate(out: Path, documents: int = 20_000, seed: int = 1) -> int:
    """Write about `documents` documents below `out`; returns the number written."""
    rng = random.Random(seed)
    written = 0
    for i in range((documents + DOCS_PER_APP - 1) // DOCS_PER_APP):
        folder = out / f"team-{i % 40:02d}" / f"app-{i:05d}"
        folder.mkdir(parents=True, exist_ok=True)
        docs = app_documents(i, rng)
        if i % 2:  # half the apps keep one file per object, as kustomize bases often do
            for name, doc in zip(("deployment", "service", "configmap", "serviceaccount"), docs):
                (folder / f"{name}.yaml").write_text(doc, encoding="utf-8")
        else:
            (folder / "all.yaml").write_text("---\n".join(docs), encoding="utf-8")
        written += len(docs)
    return written


def hostile(out: Path) -> int:
    """The hostile inputs of issue 3, one file each: 30,000 documents in one file, a 20 MB string
    value, a billion-laughs alias bomb, and 5,000 levels of nesting. Returns the number of files."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "many.yaml").write_text("".join(
        f"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\ndata:\n  k: v\n" for i in range(30_000)))
    (out / "big.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: \""
                                  + "x" * 20_000_000 + "\"\n")
    laughs = ["apiVersion: example.com/v1", "kind: Laugh", "metadata: {name: lol}", "spec:",
              '  m0: &m0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    laughs += [f"  m{i}: &m{i} [" + ",".join([f"*m{i - 1}"] * 9) + "]" for i in range(1, 40)]
    (out / "bomb.yaml").write_text("\n".join(laughs) + "\n")
    (out / "deep.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: "
                                   + "[" * 5000 + "]" * 5000 + "\n")
    return 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write (created if missing)")
    parser.add_argument("--documents", type=int, default=20_000)
    args = parser.parse_args()
    written = generate(args.out, args.documents)
    print(f"wrote {written} documents below {args.out}")


if __name__ == "__main__":
    main()
