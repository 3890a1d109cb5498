"""/follow-up/: the six-month question, answered from an emailed link without signing in."""
