"""All writes, all transactions."""
