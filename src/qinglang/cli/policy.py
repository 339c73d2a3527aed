"""``qinglang policy ...``: check a policy file before it goes live, and promote it."""

from __future__ import annotations

import dataclasses
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


@policy_group.command("promote")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--record-only", is_flag=True,
              help="record the promotion without writing the file (the live file is deployed by other means)")
@click.option("--json", "as_json", is_flag=True)
def promote(file: Path, record_only: bool, as_json: bool) -> None:
    """Make FILE the live policy: check it, write it to screening.policy_path, audit before and after."""
    from qinglang.cli.db import cli_actor, open_sessions, reports_errors
    from qinglang.config import load_settings
    from qinglang.services import policies

    @reports_errors
    def run() -> policies.Promotion:
        settings = load_settings()
        return policies.promote_policy(open_sessions(settings), settings.screening, file, actor=cli_actor(),
                                       record_only=record_only)

    done = run()
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(done), ensure_ascii=False, indent=2))
        return
    where = f"written to {done.after.path}" if done.written else "recorded (not written)"
    click.echo(f"promoted {done.after.id} {done.after.version} (sha256 {done.after.sha256[:12]}) over "
               f"{done.before.id} {done.before.version}: {where}; restart the processes to apply it")


def register(group: click.Group) -> None:
    group.add_command(policy_group)
