"""The commands: lint, routes, rules, and the pre-commit mode, all through the same pipeline."""
