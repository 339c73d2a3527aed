"""A small invented demo data set loaded by ``qinglang demo`` (see README.md)."""
