"""Every CLI command module. Each exposes ``register(group)`` adding its commands to the root group."""

COMMAND_MODULES: list[str] = [
    "qinglang.cli.serve",
    "qinglang.cli.db",
    "qinglang.cli.screen",
    "qinglang.cli.policy",
    "qinglang.cli.lists",
    "qinglang.cli.config",
]
