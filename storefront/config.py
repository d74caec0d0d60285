"""Configuration read from the environment."""

import os
from pathlib import Path

# The package folder: templates, static files, translations and migrations live in it.
ROOT = Path(__file__).resolve().parent


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
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.MEDIA_ROOT = _env("MEDIA_ROOT", str(instance / "media"))
        self.MAX_CONTENT_LENGTH = 64 * 1024 * 1024
        self.STRIPE_SECRET_KEY = _env("STRIPE_SECRET_KEY")
        self.STRIPE_WEBHOOK_SECRET = _env("STRIPE_WEBHOOK_SECRET")
        self.STRIPE_API_BASE = _env("STRIPE_API_BASE")
        default_payments = "stripe" if self.STRIPE_SECRET_KEY else "test"
        self.PAYMENTS = _env("PAYMENTS", default_payments)
        self.HOLD_MINUTES = int(_env("HOLD_MINUTES", "30"))
        self.DEFAULT_COMMISSION_BPS = int(_env("DEFAULT_COMMISSION_BPS", "1000"))
        self.RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
        # The job queue: a SQLite file in the instance folder, or redis://host:port/db.
        self.JOBS_STORAGE_URI = _env("JOBS_STORAGE_URI", f"sqlite:///{instance / 'jobs.db'}")
        self.RATELIMIT_HEADERS_ENABLED = True
        self.MAIL_SERVER = _env("MAIL_SERVER")
        self.MAIL_PORT = int(_env("MAIL_PORT", "587"))
        self.MAIL_USERNAME = _env("MAIL_USERNAME")
        self.MAIL_PASSWORD = _env("MAIL_PASSWORD")
        self.MAIL_USE_TLS = _env("MAIL_USE_TLS", "1") == "1"
        self.MAIL_USE_SSL = _env("MAIL_USE_SSL", "0") == "1"  # implicit TLS (port 465)
        self.MAIL_DEFAULT_SENDER = _env("MAIL_DEFAULT_SENDER", "shop@guelmim-crafts.ma")
        self.BABEL_DEFAULT_LOCALE = "fr"
        self.BABEL_DEFAULT_TIMEZONE = "Africa/Casablanca"
        self.LANGUAGES = ("ar", "fr", "en")
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = self.STOREFRONT_ENV == "production"
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.PER_PAGE = 24
        self.PUBLIC_URL = _env("PUBLIC_URL", "http://127.0.0.1:5000")

    def check(self) -> None:
        """Refuse settings that are unsafe in production; raises RuntimeError."""
        if self.STOREFRONT_ENV != "production":
            if not self.SECRET_KEY:
                self.SECRET_KEY = "dev-only-not-secret"
            return
        if not self.SECRET_KEY:
            raise RuntimeError("SECRET_KEY is required when STOREFRONT_ENV=production")
        if self.PAYMENTS == "test":
            raise RuntimeError("the test payment gateway cannot run in production")
