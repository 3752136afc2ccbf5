"""Page routes, one module per area; each handler parses, authorizes, calls one service and renders."""
