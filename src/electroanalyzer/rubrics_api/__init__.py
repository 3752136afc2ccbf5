"""Rubric API: list and show built-in and custom rubrics, add custom ones (admin)."""
