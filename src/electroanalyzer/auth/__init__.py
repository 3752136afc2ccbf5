"""Authentication: passwords, tokens, server-side sessions, lockout, MFA and permissions."""
