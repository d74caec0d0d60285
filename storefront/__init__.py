"""The storefront of the integrated crafts centre of Guelmim."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .cli import register_commands
from .config import ROOT, Config
from .sessions import SignedCookieSessions
from .timeutil import set_local_zone

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
# Production is served over TLS only: browsers keep to https for a year, subdomains too.
HSTS = "max-age=31536000; includeSubDomains"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, error pages."""
    # Templates, static files, translations and migrations ship inside the package; the
    # instance folder is Flask's: ./instance in a checkout, <prefix>/var/storefront-instance
    # for an installed package.
    app = Flask(__name__, static_url_path="/static")
    config = Config(Path(app.instance_path))
    if test_config:
        for key, value in test_config.items():
            setattr(config, key, value)
    config.check()
    app.config.from_object(config)
    set_local_zone(app.config["TIMEZONE"])
    app.config["ROOT"] = ROOT
    app.session_interface = SignedCookieSessions()
    Path(app.config["MEDIA_ROOT"]).mkdir(parents=True, exist_ok=True)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"][10:]).parent.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    # WeasyPrint (statements' PDF) logs every step of every document at INFO.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)

    _init_extensions(app)
    _register_blueprints(app)
    _init_templates(app)
    register_commands(app)
    return app


def _init_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (every table known to Alembic)
    from .assets import init_assets
    from .db import init_db
    from .errors import register_error_handlers
    from .extensions import csrf, db, limiter, login_manager, migrate
    from .i18n import init_i18n
    from .inputs import init_inputs
    from .jobs import init_jobs
    from .pagecache import init_page_cache

    db.init_app(app)
    init_db(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    # The shared Limiter keeps the first app's key prefix; each app (a test's, say) uses its own.
    limiter._key_prefix = app.config["RATELIMIT_KEY_PREFIX"]
    limiter.init_app(app)
    login_manager.init_app(app)
    init_i18n(app)
    init_assets(app)
    register_error_handlers(app)
    init_page_cache(app)
    init_inputs(app)
    init_jobs(app)

    if app.config["TRUSTED_PROXY_HOPS"]:
        # Behind the TLS proxy: the client's address (for rate limits) and scheme come from
        # the X-Forwarded-* headers the trusted hops add, and from no other.
        hops = app.config["TRUSTED_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    headers = dict(SECURITY_HEADERS)
    if app.config["STOREFRONT_ENV"] == "production":
        headers["Strict-Transport-Security"] = HSTS

    @app.after_request
    def security_headers(response):
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Content-Security-Policy", content_security_policy(app))
        return response


def content_security_policy(app: Flask) -> str:
    """No inline script or style; forms may post to the shop and redirect to the pay page."""
    form_targets = " ".join(["'self'", *app.config.get("CSP_FORM_ACTION_EXTRA", [])])
    return (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        f"form-action {form_targets}; frame-ancestors 'none'; base-uri 'self'"
    )


def _register_blueprints(app: Flask) -> None:
    """Every blueprint, in the order their routes are registered."""
    from .accounts.views import bp as accounts
    from .admin.views import bp as admin
    from .artisans.views import bp as artisans
    from .cart.views import bp as cart
    from .catalog.views import bp as catalog
    from .centre.views import bp as centre
    from .checkout.views import bp as checkout
    from .dashboard.views import bp as dashboard
    from .fulfilment.views import bp as fulfilment
    from .health import bp as health
    from .orders.views import bp as orders
    from .showroom.views import bp as showroom

    for blueprint in (
        health,
        catalog,
        artisans,
        cart,
        checkout,
        orders,
        centre,
        accounts,
        dashboard,
        showroom,
        fulfilment,
        admin,
    ):
        app.register_blueprint(blueprint)


def _init_templates(app: Flask) -> None:
    from .templating import init_templating

    init_templating(app)
