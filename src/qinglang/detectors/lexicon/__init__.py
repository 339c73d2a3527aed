"""The ``lexicon`` detector: curated, severity-graded terms. See README.md."""
