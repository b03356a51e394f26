"""The workbench: a FastAPI app, server-rendered with Jinja2 and htmx, on the evidence store."""
