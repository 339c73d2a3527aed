"""Account credit score and grade, and content quality: the pure core (no I/O, no clock)."""
