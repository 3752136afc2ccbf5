"""Analysis jobs off the request path: in-process thread pool or a Redis queue."""
