"""The ``contacts`` detector: drainage handles and lures in text. See README.md."""
