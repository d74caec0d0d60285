"""Configuration read from the environment, and the rules a production start must pass."""

import os
from pathlib import Path

from .timeutil import DEFAULT_TIMEZONE, zone_named

# The package folder: templates, static files, translations and migrations live in it.
ROOT = Path(__file__).resolve().parent


ENVIRONMENTS = ("development", "production", "test")
DEV_SECRET_KEY = "dev-only-not-secret"
DEV_PUBLIC_URL = "http://127.0.0.1:5000"
MIN_SECRET_BYTES = 32
# The page cache checks the catalog version at least this often (ms); see pagecache.py.
MAX_STALE_MS = 5000
# Settings of the artisans' book that must be whole numbers, with their bounds.
LEDGER_BOUNDS = (
    ("RETURN_WINDOW_ONLINE_DAYS", 0, 365),
    ("RETURN_WINDOW_SHOWROOM_DAYS", 0, 365),
    ("PAYOUT_MINIMUM_MINOR", 0, 100_000_000),
)


class ConfigError(RuntimeError):
    """A setting the shop refuses to start with; the message names it and says what to do."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _database_url(instance: Path) -> str:
    url = _env("DATABASE_URL", f"sqlite:///{instance / 'storefront.db'}")
    # psycopg 3 is the driver; accept the common postgres:// spellings.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    """Settings for a running shop; every value can come from the environment."""

    def __init__(self, instance: Path) -> None:
        self.STOREFRONT_ENV = _env("STOREFRONT_ENV", "development")
        self.SECRET_KEY = _env("SECRET_KEY")
        self.SQLALCHEMY_DATABASE_URI = _database_url(instance)
        # A server connection can drop between requests, so PostgreSQL's are pinged when taken
        # from the pool; a SQLite file cannot, and a ping would double every cached page's SQL.
        server = not self.SQLALCHEMY_DATABASE_URI.startswith("sqlite")
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": server}
        if self.SQLALCHEMY_DATABASE_URI.startswith("postgresql"):
            # PostgreSQL's JIT compiles the expressions of a large join before running it: on
            # the book's year-scale reads that costs more (0.7 s) than the query itself saves.
            self.SQLALCHEMY_ENGINE_OPTIONS["connect_args"] = {"options": "-c jit=off"}
        self.MEDIA_ROOT = _env("MEDIA_ROOT", str(instance / "media"))
        self.MAX_CONTENT_LENGTH = 64 * 1024 * 1024
        # Pixels all the photos of one upload may have together (read from their headers
        # before any is decoded): five 12-megapixel phone photos, or one of the largest
        # pictures accepted (40 M pixels, catalog/images.py) and a phone photo beside it.
        self.UPLOAD_PIXEL_BUDGET = int(_env("UPLOAD_PIXEL_BUDGET", "60000000"))
        self.STRIPE_SECRET_KEY = _env("STRIPE_SECRET_KEY")
        self.STRIPE_WEBHOOK_SECRET = _env("STRIPE_WEBHOOK_SECRET")
        self.STRIPE_API_BASE = _env("STRIPE_API_BASE")
        default_payments = "stripe" if self.STRIPE_SECRET_KEY else "test"
        self.PAYMENTS = _env("PAYMENTS", default_payments)
        self.HOLD_MINUTES = int(_env("HOLD_MINUTES", "30"))
        self.DEFAULT_COMMISSION_BPS = int(_env("DEFAULT_COMMISSION_BPS", "1000"))
        # Days a buyer may return a piece, after delivery or collection online and after the
        # sale in the showroom: the returns page states them, and sold money stays pending
        # that long (ledger/balances.py). The least a payout run offers to pay, in minor units
        # (10000 = 100.00 MAD).
        self.RETURN_WINDOW_ONLINE_DAYS = _env("RETURN_WINDOW_ONLINE_DAYS", "14")
        self.RETURN_WINDOW_SHOWROOM_DAYS = _env("RETURN_WINDOW_SHOWROOM_DAYS", "7")
        self.PAYOUT_MINIMUM_MINOR = _env("PAYOUT_MINIMUM_MINOR", "10000")
        self.RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_ENABLED = True
        self.RATELIMIT_KEY_PREFIX = _env("RATELIMIT_KEY_PREFIX", "storefront")
        # The job queue: a SQLite file in the instance folder, or redis://host:port/db.
        self.JOBS_STORAGE_URI = _env("JOBS_STORAGE_URI", f"sqlite:///{instance / 'jobs.db'}")
        self.RATELIMIT_HEADERS_ENABLED = True
        self.TRUSTED_PROXY_HOPS = _env("TRUSTED_PROXY_HOPS", "0")
        # How old the catalog version a cached page is checked against may be, in milliseconds,
        # for changes made by another process (another app server, the worker, a command).
        self.PAGE_CACHE_MAX_STALE_MS = _env("PAGE_CACHE_MAX_STALE_MS", "250")
        self.MAIL_SERVER = _env("MAIL_SERVER")
        self.MAIL_PORT = int(_env("MAIL_PORT", "587"))
        self.MAIL_USERNAME = _env("MAIL_USERNAME")
        self.MAIL_PASSWORD = _env("MAIL_PASSWORD")
        self.MAIL_USE_TLS = _env("MAIL_USE_TLS", "1") == "1"
        self.MAIL_USE_SSL = _env("MAIL_USE_SSL", "0") == "1"  # implicit TLS (port 465)
        self.MAIL_DEFAULT_SENDER = _env("MAIL_DEFAULT_SENDER", "shop@guelmim-crafts.ma")
        self.BABEL_DEFAULT_LOCALE = "fr"
        # The centre's zone (IANA name): it cuts days and months and shows every time.
        self.TIMEZONE = _env("TIMEZONE", DEFAULT_TIMEZONE)
        self.LANGUAGES = ("ar", "fr", "en")
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        # A form's CSRF token lasts as long as the visitor's session, so a product page left
        # open for an afternoon still adds to the cart; sign-in starts a new session and token.
        self.WTF_CSRF_TIME_LIMIT = None
        self.PER_PAGE = 24
        self.PUBLIC_URL = _env("PUBLIC_URL")
        # Where the contact form's messages go, and how many one address may send.
        self.CONTACT_EMAIL = _env("CONTACT_EMAIL", self.MAIL_DEFAULT_SENDER)
        self.CONTACT_RATE_LIMIT = _env("CONTACT_RATE_LIMIT", "5 per hour")

    def check(self) -> None:
        """Refuse a setting the shop cannot run with, or one unsafe in production.

        Raises ConfigError with a message that names the setting. Development and test fill
        in a development SECRET_KEY; production refuses a weak or missing key, the test
        gateway, Stripe without its keys, limits or jobs kept in one process's memory, and a
        missing PUBLIC_URL.
        """
        if self.STOREFRONT_ENV not in ENVIRONMENTS:
            raise ConfigError(
                f"STOREFRONT_ENV={self.STOREFRONT_ENV!r} is not one of "
                "development, production, test (lower case, exactly)"
            )
        if self.PAYMENTS not in ("stripe", "test"):
            raise ConfigError(f"PAYMENTS={self.PAYMENTS!r} is not one of stripe, test")
        try:
            zone_named(str(self.TIMEZONE))
        except ValueError:
            raise ConfigError(
                f"TIMEZONE={self.TIMEZONE!r} is not a time zone name such as Africa/Casablanca"
            ) from None
        # Flask-Babel shows times in BABEL_DEFAULT_TIMEZONE: always the centre's zone.
        self.BABEL_DEFAULT_TIMEZONE = self.TIMEZONE
        hops = str(self.TRUSTED_PROXY_HOPS)
        if not (hops.isascii() and hops.isdigit()) or int(hops) > 5:
            raise ConfigError(f"TRUSTED_PROXY_HOPS={hops!r} must be a whole number from 0 to 5")
        self.TRUSTED_PROXY_HOPS = int(hops)
        stale = str(self.PAGE_CACHE_MAX_STALE_MS)
        if not (stale.isascii() and stale.isdigit()) or int(stale) > MAX_STALE_MS:
            raise ConfigError(
                f"PAGE_CACHE_MAX_STALE_MS={stale!r} must be a whole number from 0 to {MAX_STALE_MS}"
            )
        self.PAGE_CACHE_MAX_STALE_MS = int(stale)
        for name, low, high in LEDGER_BOUNDS:
            value = str(getattr(self, name))
            if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
                raise ConfigError(f"{name}={value!r} must be a whole number from {low} to {high}")
            setattr(self, name, int(value))
        production = self.STOREFRONT_ENV == "production"
        self.SESSION_COOKIE_SECURE = self.REMEMBER_COOKIE_SECURE = production
        if not production:
            self.SECRET_KEY = self.SECRET_KEY or DEV_SECRET_KEY
            self.PUBLIC_URL = self.PUBLIC_URL or DEV_PUBLIC_URL
            return
        for problem in self._production_problems():
            raise ConfigError(f"{problem} (STOREFRONT_ENV=production)")

    def _production_problems(self):
        key = self.SECRET_KEY or ""
        if not key:
            yield "SECRET_KEY is required"
        elif key == DEV_SECRET_KEY or len(key.encode()) < MIN_SECRET_BYTES:
            yield f"SECRET_KEY must be a random value of at least {MIN_SECRET_BYTES} bytes"
        if self.PAYMENTS != "stripe":
            yield "PAYMENTS must be stripe: the test payment gateway cannot run in production"
        if not (self.STRIPE_SECRET_KEY and self.STRIPE_WEBHOOK_SECRET):
            yield "STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are both required"
        if not self.RATELIMIT_STORAGE_URI.startswith(("redis://", "rediss://")):
            yield "RATELIMIT_STORAGE_URI must be redis://…, shared by every app server"
        if not self.JOBS_STORAGE_URI.startswith(("redis://", "rediss://")):
            yield "JOBS_STORAGE_URI must be redis://…, the queue app servers and worker share"
        if not self.PUBLIC_URL:
            yield "PUBLIC_URL is required: the shop's address for links in mail and receipts"
