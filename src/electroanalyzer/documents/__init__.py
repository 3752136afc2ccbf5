"""Uploaded originals: size-limited intake, encrypted storage and retention purge."""
