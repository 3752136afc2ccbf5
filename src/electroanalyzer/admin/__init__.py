"""Administration API: users, sessions, policy settings and report shares (admin only)."""
