"""HTTP API (FastAPI). Thin: parse, call one service function, render."""
