"""Data files shipped with qinglang (each with its provenance in a header or a README)."""
