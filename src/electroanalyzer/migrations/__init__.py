"""Alembic migrations, shipped inside the package; run them with `electroanalyzer db upgrade`."""
