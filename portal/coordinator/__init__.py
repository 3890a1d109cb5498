"""/company/: a company coordinator's own company."""
