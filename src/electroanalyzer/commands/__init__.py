"""Command modules of the `electroanalyzer` tool, each with a `register(app)` function."""
