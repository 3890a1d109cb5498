"""/programmes blueprint."""
