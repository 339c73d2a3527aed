"""All table modules. Import this package to register every table on ``Base.metadata``."""

from qinglang.storage.tables import (
    certification,  # noqa: F401
    core,  # noqa: F401
    drainage,  # noqa: F401
    qualification,  # noqa: F401
    review,  # noqa: F401
    statistics,  # noqa: F401
)
