"""The ``qinglang`` command. Command modules are listed in ``qinglang.cli.commands``."""

from __future__ import annotations

import importlib

import click

from qinglang import __version__
from qinglang.cli.commands import COMMAND_MODULES


@click.group()
@click.version_option(__version__, prog_name="qinglang")
def cli() -> None:
    """qinglang (清朗): content governance for publishing platforms."""


def _register_all() -> None:
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(cli)


_register_all()


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
