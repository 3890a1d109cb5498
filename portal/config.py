"""Settings: safe defaults here, overridden by PORTAL_* environment variables and by create_app(overrides)."""
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Default:
    ENV_NAME = "development"
    SECRET_KEY = None                      # from SECRET_KEY / PORTAL_SECRET_KEY, else generated into instance/
    DATABASE_URL = None                    # default: sqlite:///<instance>/mentorbro.db
    BABEL_DEFAULT_LOCALE = "da"
    BABEL_DEFAULT_TIMEZONE = "Europe/Copenhagen"   # times are stored in UTC and shown in Danish time
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    # Every language the portal is offered in, each named in itself (the language chooser). Adding one is a
    # line here and a catalogue (scripts/translations.sh creates it). Staff pages and the applicant's form
    # labels are in FORM_LANGUAGES only; the other languages cover the applicant's reading pages, the
    # consent text, the receipt, the status page and the applicant's emails (portal/mother_tongue.py).
    LANGUAGES = {
        "da": "Dansk",
        "en": "English",
        "ar": "العربية",
        "fa_AF": "دری",
        "uk": "Українська",
        "ti": "ትግርኛ",
    }
    FORM_LANGUAGES = ("da", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(0)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)   # absolute limit of a staff session
    IDLE_TIMEOUT = timedelta(minutes=30)
    # Sign-in throttling (services/throttle.py): failures that cost nothing, then a growing wait between
    # attempts (the first, doubling with each failure up to the most); a key quiet this long starts over.
    LOGIN_FREE_FAILURES_PER_ACCOUNT = 5    # also per known device, and for an admin's codes
    LOGIN_FREE_FAILURES_PER_ADDRESS = 20
    LOGIN_DELAY_FIRST = timedelta(seconds=1)
    LOGIN_DELAY_MAX = timedelta(minutes=15)
    LOGIN_THROTTLE_RESET_AFTER = timedelta(days=1)
    KNOWN_DEVICE_LIFETIME = timedelta(days=180)   # a browser that signed in to an account before
    WTF_CSRF_TIME_LIMIT = 4 * 3600
    WTF_CSRF_SSL_STRICT = False            # the Origin header is checked instead (portal/security.py)
    MAX_CONTENT_LENGTH = 1024 * 1024
    MAIL_SERVER = None                     # required in production; without it (development) see MAIL_PRINT_BODIES
    MAIL_PRINT_BODIES = False              # no mail server: print emails in full to the console (never logged)
    MAIL_PORT = 25
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_USE_TLS = False
    MAIL_SENDER = "Mentorbro <noreply@mentorbro.dk>"
    MAIL_SEND_AFTER_REQUEST = True
    BASE_URL = None                        # default: http://127.0.0.1:<PORT, else 5000> (the port served)
    SEND_FILE_MAX_AGE_DEFAULT = timedelta(hours=1)


class Testing(Default):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    WTF_CSRF_ENABLED = False
    MAIL_SEND_AFTER_REQUEST = False


class Production(Default):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    SEND_FILE_MAX_AGE_DEFAULT = timedelta(days=365)
