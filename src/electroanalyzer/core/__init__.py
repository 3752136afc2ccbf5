"""Infrastructure shared by the server domains: settings, database, crypto, logging, errors."""
