"""Plain data shared by every stage: manifests, positions, findings. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional

from .wording import ref

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
# Built-in kinds that live outside namespaces: messages name them without one.
CLUSTER_SCOPED = frozenset({
    "Namespace", "Node", "PersistentVolume", "PodSecurityPolicy", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
    "StorageClass", "PriorityClass", "IngressClass", "RuntimeClass", "CSIDriver", "CSINode", "VolumeAttachment",
    "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding", "APIService", "FlowSchema", "PriorityLevelConfiguration",
    "CertificateSigningRequest", "GatewayClass", "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding",
    "ClusterCIDR", "IPAddress", "ServiceCIDR", "VolumeAttributesClass", "DeviceClass", "ResourceSlice",
    "ClusterTrustBundle", "StorageVersion", "StorageVersionMigration",
})



def mapping(value: Any) -> dict[str, Any]:
    """`value` if it is a mapping, else an empty one: manifests may hold any type anywhere."""
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Settings:
    """What checks may need to know about the run beyond the objects."""

    # The options rules declare (rules/<id>.yaml), by name, as the run resolved them: every one is here.
    options: Mapping[str, Any] = field(default_factory=dict)
    # Pods the files do not show, from the configuration: (namespace or "" for any, labels they carry).
    pods_from_elsewhere: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()

    def option(self, name: str) -> Any:
        return self.options[name]

    def pods_elsewhere(self, namespace: str, pairs: tuple[tuple[str, str], ...] = ()) -> bool:
        """Whether the configuration says that pods of `namespace` (with these selector pairs) come
        from elsewhere: an entry for the whole namespace, or labels the selector asks for."""
        for entry_namespace, labels in self.pods_from_elsewhere:
            if entry_namespace not in ("", namespace):
                continue
            if not labels or (pairs and set(labels) <= set(pairs)):
                return True
        return False


@dataclass(frozen=True)
class Position:
    """A 1-based line and column in a file; `end_line`, when known, is the last line of the node
    that starts there (0: unknown, the same line)."""

    line: int
    column: int
    end_line: int = 0
    # Where the key of a value reached through one sits (0: the same place as line and column).
    key_line: int = 0
    key_column: int = 0

    def of_key(self) -> "Position":
        """The position of the key that holds this value (an unknown field is reported there)."""
        return Position(self.key_line or self.line, self.key_column or self.column, self.end_line)


def escape_pointer_token(token: object) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def join_pointer(*tokens: object) -> str:
    """Build a JSON pointer (RFC 6901) from path tokens."""
    return "".join("/" + escape_pointer_token(t) for t in tokens)


def split_pointer(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]


@dataclass
class SourceFile:
    """One input file (or stdin) as read; positions are looked up in it on demand."""

    path: str  # as shown to the user
    text: str = ""
    origin: str = ""  # the path that was opened ("-" for stdin)
    # Filled by the loader: resolves (document index, JSON pointer) to a position.
    locate: Optional[Callable[[int, str], Optional[Position]]] = field(
        default=None, repr=False, compare=False
    )


@dataclass
class Manifest:
    """One Kubernetes object from a document (or from the items of a `kind: List`)."""

    source: SourceFile
    doc_index: int  # which YAML document in the file
    base_pointer: str  # where the object sits in its document ("" or "/items/3")
    data: dict[str, Any]
    namespace: str  # effective namespace (metadata, or the run's default)
    builds: frozenset[str] = frozenset()  # the kustomize build (its root folder, as shown) that made it
    namespace_given: bool = True  # set by metadata.namespace (or a build), not by --namespace
    # Why the files cannot tell whether this object is deployed as written (a kustomize tree read as
    # plain files); its routing verdicts are then at most info. "" when they can.
    cap: str = ""
    undeployed: bool = False  # in a kustomization's folder, but no build uses it
    maybe_partial: bool = False  # read from a file or folder named like a patch: it may hold only some fields
    # For a built object: pointer -> (file, position) in the sources that wrote the field.
    locator: Optional[Callable[[str], Optional[tuple[str, Position]]]] = field(
        default=None, repr=False, compare=False)

    @property
    def api_version(self) -> str:
        value = self.data.get("apiVersion")
        return value if isinstance(value, str) else ""

    @property
    def group(self) -> str:
        version = self.api_version
        return version.rsplit("/", 1)[0] if "/" in version else ""

    @property
    def kind(self) -> str:
        value = self.data.get("kind")
        return value if isinstance(value, str) else ""

    @property
    def metadata(self) -> dict[str, Any]:
        return mapping(self.data.get("metadata"))

    @property
    def name(self) -> str:
        value = self.metadata.get("name")
        return value if isinstance(value, str) else ""

    @property
    def spec(self) -> dict[str, Any]:
        return mapping(self.data.get("spec"))

    @property
    def ref(self) -> str:
        """`Kind namespace/name` (`Kind name` for cluster-wide kinds), the way messages name an object."""
        raw = self.metadata.get("name")
        name = self.name or (str(raw) if isinstance(raw, (int, float)) else "")
        # Built-in groups are core, dotless (policy, apps) or *.k8s.io; a custom kind may share a name.
        built_in = "." not in self.group or self.group.endswith("k8s.io")
        cluster_scoped = self.kind in CLUSTER_SCOPED and built_in
        return ref(self.kind, self.namespace, name, cluster_scoped)

    def location(self, pointer: str = "") -> tuple[str, Position]:
        """File and position of the node at `pointer` (relative to this object), or of its nearest
        parent; for a built object, in the file that wrote it (a resource, a patch, a kustomization)."""
        if self.locator is not None:
            found = self.locator(pointer)
            if found is not None:
                return found
        position = None
        if self.source.locate is not None:
            position = self.source.locate(self.doc_index, self.base_pointer + pointer)
        return self.source.path, position or Position(1, 1)

    def position(self, pointer: str = "") -> Position:
        return self.location(pointer)[1]


def document_objects(data: Any) -> list[tuple[str, dict[str, Any]]]:
    """The objects in one document, with their place in it: itself, or the items of a `kind: List`
    (or `XxxList`)."""
    if not isinstance(data, dict) or "apiVersion" not in data or "kind" not in data:
        return []
    kind = data.get("kind")
    items = data.get("items")
    if isinstance(kind, str) and kind.endswith("List") and isinstance(items, list):
        objects = []
        item_kind = kind[: -len("List")]
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            if "kind" not in item and item_kind:  # typed lists from the API omit each item's kind
                item = {"apiVersion": data.get("apiVersion"), "kind": item_kind, **item}
            if "apiVersion" in item and "kind" in item:
                objects.append((f"/items/{i}", item))
        return objects
    return [("", data)]


def has_namespace(obj: dict[str, Any]) -> bool:
    metadata = obj.get("metadata")
    return isinstance(metadata, dict) and isinstance(metadata.get("namespace"), str) and bool(metadata["namespace"])


def namespace_or(obj: dict[str, Any], default: str) -> str:
    """The object's metadata.namespace, or `default` when it sets none."""
    metadata = obj.get("metadata")
    namespace = metadata.get("namespace") if isinstance(metadata, dict) else None
    return namespace if isinstance(namespace, str) and namespace else default


@dataclass(frozen=True)
class Diagnostic:
    """A finding about a file rather than an object: the engine gives it a severity."""

    rule: str
    file: str
    line: int
    column: int
    message: str
    severity: Optional[str] = None  # overrides the rule's default when set
    builds: tuple[str, ...] = ()  # the kustomize builds it is about


@dataclass(frozen=True)
class Problem:
    """What a check reports: the object, the field and the words. The engine adds the rest."""

    manifest: Manifest
    pointer: str
    message: str
    severity: Optional[str] = None  # overrides the rule's default when set
    at_key: bool = False  # about the field's key (an unknown field), not its value


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    file: str
    line: int
    column: int
    kind: str = ""
    name: str = ""
    namespace: str = ""
    pointer: str = ""
    builds: tuple[str, ...] = ()  # the kustomize builds whose objects have this problem
    end_line: int = 0  # the last line of the node the finding points at (0: its first line)

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.rule, self.message)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "kind": self.kind,
            "name": self.name,
            "namespace": self.namespace,
            "pointer": self.pointer,
            "builds": list(self.builds),
        }


@dataclass(frozen=True)
class ContainerPort:
    number: Optional[int]  # containerPort, when it is a whole number
    name: Optional[str]
    protocol: str  # TCP when unset
    pointer: str  # relative to the owning Manifest


@dataclass
class Container:
    name: str
    pointer: str
    ports: list[ContainerPort]
    init: bool = False  # an initContainer
    serves: bool = True  # regular containers and native sidecars serve traffic; plain init ones don't
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class PodTemplate:
    """The pods one object creates: their labels (shown and controller-added) and containers."""

    owner: Manifest
    pointer: str  # the template's place in the owner ("" for a Pod)
    labels: dict[str, str]
    extra_labels: dict[str, Optional[frozenset[str]]]  # added by the controller; None = any value
    containers: list[Container]
    replicas: Optional[int] = None

    @property
    def namespace(self) -> str:
        return self.owner.namespace

    @property
    def ref(self) -> str:
        return self.owner.ref

    def serving_ports(self) -> list[ContainerPort]:
        return [p for c in self.containers if c.serves for p in c.ports]
