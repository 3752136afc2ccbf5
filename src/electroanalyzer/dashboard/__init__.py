"""Aggregate dashboards: score trends and most-missed rules."""
