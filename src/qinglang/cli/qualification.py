"""``qinglang catalogue ...``: check a licence catalogue file before a platform uses it."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.group("catalogue")
def catalogue_group() -> None:
    """The licence catalogue: licence kinds and the licences each account category needs."""


@catalogue_group.command("check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the issues as JSON.")
def check(file: Path | None, as_json: bool) -> None:
    """Validate FILE (default: the catalogue shipped in the package); print every problem as FILE:LINE: message.
    Exit 1 when there is an error."""
    from importlib import resources

    from qinglang.qualification import parse_catalogue

    if file is None:
        source, text = "qinglang/qualification/catalogue.yaml", resources.files("qinglang.qualification").joinpath(
            "catalogue.yaml").read_text("utf-8")
    else:
        try:
            source, text = str(file), file.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise click.ClickException(f"{file}: cannot read it as UTF-8 text: {exc}") from None
    catalogue, issues = parse_catalogue(text, source)
    errors = [i for i in issues if i.severity == "error"]
    if as_json:
        rows = [{"file": i.file, "line": i.line, "severity": i.severity, "message": i.message} for i in issues]
        summary = {"valid": not errors, "issues": rows}
        if catalogue is not None:
            summary |= {"version": catalogue.version, "licence_kinds": len(catalogue.licence_kinds),
                        "categories": len(catalogue.categories)}
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        for issue in issues:
            click.echo(str(issue))
        counts = f"{len(errors)} error(s), {len(issues) - len(errors)} warning(s)"
        click.echo(f"{source}: {'invalid' if errors else 'ok'}: {counts}")
    if errors:
        raise SystemExit(1)


def register(group: click.Group) -> None:
    group.add_command(catalogue_group)
