"""Analysis API: upload a document, follow its job, read, export and delete the result."""
