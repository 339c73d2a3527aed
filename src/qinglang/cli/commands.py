"""Every CLI command module. Each exposes ``register(group)`` adding its commands to the root group."""

COMMAND_MODULES: list[str] = [
    # each area appends its module here
    "qinglang.cli.screen",
    "qinglang.cli.policy",
    "qinglang.cli.serve",
    "qinglang.cli.db",
    "qinglang.cli.demo",
    "qinglang.cli.lists",
    "qinglang.cli.config",
    "qinglang.cli.apikeys",
    "qinglang.cli.graph",
    "qinglang.cli.model",
    "qinglang.cli.audit",
    "qinglang.cli.users",
    "qinglang.cli.worker",
    "qinglang.cli.stats",
    "qinglang.cli.similar",
    "qinglang.cli.sweep",
    "qinglang.cli.certification",
    "qinglang.cli.qualification",
    "qinglang.cli.rescreen",
    "qinglang.cli.book",
]
