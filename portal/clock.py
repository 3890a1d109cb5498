"""One place that reads the clock, so services can be given another."""
from datetime import datetime, timezone


def now_utc() -> datetime:
    """The current UTC time, naive (as stored in the database)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
