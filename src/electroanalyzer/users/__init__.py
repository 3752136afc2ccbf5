"""User accounts: creation, updates, password policy and hashing."""
