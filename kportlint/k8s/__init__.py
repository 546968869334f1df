"""Pure Kubernetes semantics: label selectors, ports, names, kinds, placeholders, schemas. No index, no prose."""
