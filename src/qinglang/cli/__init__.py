"""Command-line interface: ``qinglang <noun> <verb>``."""
