"""/companies blueprint."""
