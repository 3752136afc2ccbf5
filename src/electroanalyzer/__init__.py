"""ElectroAnalyzer: compliance checks for PT, OT and SLP therapy documentation."""

__version__ = "0.1.0"
