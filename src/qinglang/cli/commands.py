"""Every CLI command module. Each exposes ``register(group)`` adding its commands to the root group."""

COMMAND_MODULES: list[str] = [
    # each area appends its module here
]
