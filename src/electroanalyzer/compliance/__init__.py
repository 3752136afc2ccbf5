"""HIPAA compliance dashboard data and audit-trail reports, computed from live state."""
