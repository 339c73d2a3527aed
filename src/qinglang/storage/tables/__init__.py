"""All table modules. Import this package to register every table on ``Base.metadata``."""

from qinglang.storage.tables import core  # noqa: F401
from qinglang.storage.tables import drainage  # noqa: F401
from qinglang.storage.tables import review  # noqa: F401
