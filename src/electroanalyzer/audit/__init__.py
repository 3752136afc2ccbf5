"""The HMAC-chained audit trail: recording, verification and export."""
