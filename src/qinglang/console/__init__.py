"""The review console and the public report pages: server-rendered (Jinja2 + vendored HTMX), Chinese first."""
