"""``qinglang config show``: the effective settings, secrets masked."""

from __future__ import annotations

import json

import click


@click.group("config")
def config_group() -> None:
    """Settings (from QINGLANG_<SECTION>__<KEY> environment variables)."""


@config_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of YAML")
def show_command(as_json: bool) -> None:
    """Print the effective settings with secrets masked."""
    from qinglang.config import load_settings

    masked = load_settings().masked()
    if as_json:
        click.echo(json.dumps(masked, indent=2, ensure_ascii=False))
        return
    import yaml

    click.echo(yaml.safe_dump(masked, allow_unicode=True, sort_keys=False).rstrip())


def register(group: click.Group) -> None:
    group.add_command(config_group)
