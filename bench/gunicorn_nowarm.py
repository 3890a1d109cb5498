"""gunicorn.conf.py without its template warm-up (bench/mechanisms.py measures what the warm-up saves)."""
from pathlib import Path

exec(compile((Path(__file__).resolve().parent.parent / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"))  # nosec B102 - our own config file
del when_ready  # noqa: F821 - defined by the file above
