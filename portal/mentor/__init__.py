"""/mentor blueprint."""
