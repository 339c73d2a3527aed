"""``qinglang policy ...``: check a policy file before it goes live."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.group("policy")
def policy_group() -> None:
    """Policies: versioned rules that turn signals into decisions."""


@policy_group.command("check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the issues as JSON.")
def check(file: Path, as_json: bool) -> None:
    """Validate FILE; print every problem as FILE:LINE: message. Exit 1 when there is an error."""
    from qinglang.detectors.registry import available_detectors
    from qinglang.policy import check_policy_file

    issues = check_policy_file(file, known_detectors=available_detectors())
    errors = [i for i in issues if i.severity == "error"]
    if as_json:
        rows = [{"file": i.file, "line": i.line, "severity": i.severity, "message": i.message} for i in issues]
        click.echo(json.dumps({"valid": not errors, "issues": rows}, ensure_ascii=False, indent=2))
    else:
        for issue in issues:
            click.echo(str(issue))
        counts = f"{len(errors)} error(s), {len(issues) - len(errors)} warning(s)"
        click.echo(f"{file}: {'invalid' if errors else 'ok'}: {counts}")
    if errors:
        raise SystemExit(1)


def register(group: click.Group) -> None:
    group.add_command(policy_group)
