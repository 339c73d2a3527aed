"""Background workers: outbox delivery, action expiry, lease reaping. Never run inside API request handlers."""
