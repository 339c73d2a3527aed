"""All table modules. Import this package to register every table on ``Base.metadata``."""

from qinglang.storage.tables import (
    books,  # noqa: F401
    certification,  # noqa: F401
    core,  # noqa: F401
    drainage,  # noqa: F401
    qualification,  # noqa: F401
    review,  # noqa: F401
    similarity,  # noqa: F401
    statistics,  # noqa: F401
)
