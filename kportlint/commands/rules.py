"""`kportlint rules`: the rule list, and one rule's documentation in ruff's sections."""

from __future__ import annotations

import re
from typing import Any, Optional

import click

from ..catalog import Rule, load_catalog
from ..options import shown_default
from .common import fail, guarded


@click.command()
@click.argument("rule_id", required=False)
@guarded
def rules(rule_id: Optional[str]) -> None:
    """List the rules, or show the documentation of one."""
    catalog = load_catalog()
    if rule_id is None:
        width = max(len(r) for r in catalog)
        group = max(len(r.category) for r in catalog.values())
        for rule in catalog.values():
            click.echo(f"{rule.id:<{width}}  {rule.severity:<7}  {rule.category:<{group}}  {rule.title}"
                       f"{' (opt-in)' if rule.opt_in else ''}")
        return
    aliased = [r for r in catalog.values() if rule_id in r.aliases]
    if rule_id not in catalog and len(aliased) > 1:  # a rule split in several keeps its id as their alias
        width = max(len(r.id) for r in aliased)
        click.echo(f"{rule_id} is an alias of {len(aliased)} rules; it selects, ignores and silences all of "
                   f"them.\n`kportlint rules <rule>` shows each:\n"
                   + "".join(f"  {r.id:<{width}}  {r.severity:<7}  {r.title}\n" for r in aliased), nl=False)
        return
    rule = catalog.get(rule_id) or next(iter(aliased), None)
    if rule is None:
        fail(f"unknown rule '{rule_id}'; `kportlint rules` lists them")
    click.echo(rule_doc(rule), nl=False)


# The test markers in the examples (`# expect: rule "text"`) read as a plain pointer in the docs.
_MARKER = re.compile(r'# expect: (?P<rule>[a-z0-9-]+)(?: "[^"]*")*')


def _flags(options: Optional[dict[str, Any]]) -> str:
    """An example's run options as the command-line flags that give them."""
    flags = [f"--{key}" if value is True else
             f"--{key} {','.join(value) if isinstance(value, list) else value}"
             for key, value in (options or {}).items() if value is not False]
    return f" (with `{' '.join(flags)}`)" if flags else ""


def rule_doc(rule: Rule) -> str:
    """A rule's documentation in ruff's sections, from its metadata."""
    status = ", opt-in" if rule.opt_in else ""
    parts = [f"# {rule.id} ({rule.severity}, {rule.category}{status})", "", rule.title, "",
             "## What it does", rule.description, "", "## Why is this bad?", rule.rationale, "",
             "## How to fix it", rule.remediation, ""]
    if rule.options:
        parts.append("## Options")
        for option in rule.options:
            flag = f", `--{option.name}`" if option.flag else ""
            default = f" Default: `{shown_default(option)}`." if shown_default(option) else ""
            parts.append(f"- `{option.name}` (configuration key{flag}): {option.description}{default}")
        parts.append("")
    for heading, examples in (("## Example", rule.bad), ("## Use instead", rule.good)):
        parts.append(heading)
        for example in examples:
            manifest = _MARKER.sub(r"# <- \g<rule>", example.manifest.rstrip("\n"))
            named = f" (`{example.file}`)" if example.file != "example.yaml" else ""
            parts += [example.description + named + _flags(example.options) + ":", "```yaml", manifest, "```"]
        parts.append("")
    return "\n".join(parts)
