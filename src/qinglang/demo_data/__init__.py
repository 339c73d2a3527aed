"""A small invented demo data set loaded by ``qinglang demo`` (see README.md)."""

# The contents written to be benign (news, notices, a recipe, two chapters): none of them may reach a queue.
# Checked through the pipeline (tests/unit/test_demo_data_screening.py) and through `qinglang demo` itself
# (tests/integration/test_cli_core.py).
BENIGN_CONTENT_IDS = frozenset({"news-0001", "news-0002", "news-0004", "news-0005", "news-0006", "news-0007",
                                "novel-xy-ch1", "novel-xy-ch2"})
