"""/companies: mentor companies sign up (public)."""
