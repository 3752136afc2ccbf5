"""Analysis engine: document intake, PHI redaction and compliance checks.

The engine is a plain library. It imports nothing from the web or database layers, so the
command line, the job runner and the tests can call it directly.
"""
