"""The centre's public pages, the contact form, the sitemap and robots.txt."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from sqlalchemy.exc import SQLAlchemyError

from storefront import jobs
from storefront.extensions import db, limiter
from storefront.i18n import LANGUAGES, current_lang
from storefront.pagecache import cached_page
from storefront.timeutil import to_local, utcnow

from . import seo, services
from .forms import ContactForm

bp = Blueprint("centre", __name__)

# Kept out of search engines: the back office, the artisans' pages and the checkout.
PRIVATE_PREFIXES = ("/staff", "/admin", "/dashboard", "/checkout", "/cart", "/orders", "/login")
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
# The centre's own pages, listed in the sitemap after home, the catalog and the zone map.
CENTRE_PAGES = ("visit", "about", "terms", "returns", "privacy", "contact")


@bp.app_template_global()
def centre_hours() -> list[services.HoursSpan]:
    """The centre's week grouped into spans of days with the same hours, for the footer.

    Read once per catalog version in this process while the page cache runs (changing the
    hours records a catalog change, storefront.centre.services.set_opening_hours), so a
    page rendered for the cache costs no extra statement; read each time otherwise.
    """
    known = current_app.extensions["catalog_version"]
    try:
        version = known.current() if current_app.config.get("PAGE_CACHE", True) else None
        memo = current_app.extensions.get("centre_hours")
        if version is not None and memo is not None and memo[0] == version:
            return memo[1]
        spans = services.group_days(services.opening_hours(db.session))
    except SQLAlchemyError:  # the error page of a database outage still renders, without hours
        db.session.rollback()
        return []
    current_app.extensions["centre_hours"] = (version, spans)
    return spans


bp.add_app_template_global(seo.page_url, "page_url")
bp.add_app_template_global(seo.page_alternates, "page_alternates")
bp.add_app_template_global(seo.og_locale, "og_locale")
bp.add_app_template_global(seo.photo_url, "photo_url")
bp.add_app_template_global(seo.product_json_ld, "product_json_ld")


@bp.get("/visit")
def visit():
    """Address, hours, a map of the centre, the way to the showroom and the shops open now.

    Not kept in the page cache: which shops are open changes with the time of day.
    """
    today, shops = services.open_now(db.session)
    week = services.opening_hours(db.session)
    next_day, next_today = services.next_opening(week)
    at = to_local(utcnow()).time().replace(tzinfo=None)
    return render_template(
        "centre/visit.html",
        week=week,
        today=today,
        shops=shops,
        next_day=next_day,
        next_today=next_today,
        closed_now=not services.is_open(today.opens, today.closes, at),
        lang=current_lang(),
    )


@bp.get("/centre")
@cached_page
def about():
    """The centre: its training institute, technical support centre, shops and showroom."""
    return render_template("centre/centre.html")


@bp.get("/terms")
@cached_page
def terms():
    """Terms of sale."""
    return render_template("centre/terms.html", **_windows())


@bp.get("/returns")
@cached_page
def returns():
    """The returns policy, with the return windows the shop applies."""
    return render_template("centre/returns.html", **_windows())


@bp.get("/privacy")
@cached_page
def privacy():
    """What the shop keeps about visitors and buyers, and why."""
    return render_template("centre/privacy.html")


def _windows() -> dict[str, int]:
    config = current_app.config
    return {
        "online_days": config["RETURN_WINDOW_ONLINE_DAYS"],
        "showroom_days": config["RETURN_WINDOW_SHOWROOM_DAYS"],
    }


def _contact_limit() -> str:
    return current_app.config["CONTACT_RATE_LIMIT"]


def _sent(response) -> bool:
    """Only a message accepted (the redirect) counts against the limit, not a typo (422)."""
    return response.status_code == 303


@bp.route("/contact", methods=["GET", "POST"])
@limiter.limit(_contact_limit, methods=["POST"], deduct_when=_sent)
@cached_page
def contact():
    """A form whose message is queued to the centre's mail outbox; limited per address."""
    form = ContactForm()
    if form.validate_on_submit():
        if not form.website.data:  # a robot filled the hidden field: answer alike, keep nothing
            services.queue_contact_message(
                db.session,
                to=current_app.config["CONTACT_EMAIL"],
                name=form.name.data,
                email=form.email.data,
                subject=form.subject.data,
                body=form.message.data,
                locale=current_lang(),
            )
            db.session.commit()
            jobs.mail_queued()
        flash(
            _(
                "Thank you: your message is on its way to the centre. "
                "We answer within two working days."
            ),
            "success",
        )
        return redirect(url_for("centre.contact"), code=303)
    status = 422 if request.method == "POST" else 200
    if status == 422:
        db.session.rollback()
    return render_template("centre/contact.html", form=form), status


@bp.errorhandler(RateLimitExceeded)
def too_many_messages(exc: RateLimitExceeded):
    """The contact limit was reached: the form again, with what the visitor typed, 429."""
    db.session.rollback()
    form = ContactForm()
    message = _(
        "You have sent several messages in a short time. Please wait an hour and try again."
    )
    return (
        render_template("centre/contact.html", form=form, limited=message),
        429,
        {"Retry-After": "3600"},
    )


def _url_entry(path: str) -> str:
    """One <url> of the sitemap per language, each naming all the languages as alternates."""
    hreflangs = [*LANGUAGES, "x-default"]
    alternates = "".join(
        '<xhtml:link rel="alternate" hreflang="{}" href={}/>'.format(
            code, quoteattr(seo.lang_url(path, None if code == "x-default" else code))
        )
        for code in hreflangs
    )
    return "".join(
        f"<url><loc>{_xml_text(seo.lang_url(path, code))}</loc>{alternates}</url>\n"
        for code in LANGUAGES
    )


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@bp.get("/sitemap.xml")
def sitemap():
    """Every public page in the three languages, with hreflang alternates (sitemaps.org 0.9).

    Home, the catalog, the zone map, the centre's pages, every live piece, every active maker
    and every shop; addresses from PUBLIC_URL.
    """
    products, makers, shops = services.public_pages(db.session)
    paths = [
        url_for("catalog.home"),
        url_for("catalog.products"),
        url_for("artisans.zone"),
        *(url_for(f"centre.{name}") for name in CENTRE_PAGES),
        *(url_for("catalog.product", slug=slug) for slug in products),
        *(url_for("artisans.artisan", slug=slug) for slug in makers),
        *(url_for("artisans.shop", number=number) for number in shops),
    ]
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">\n'
        + "".join(_url_entry(path) for path in paths)
        + "</urlset>\n"
    )
    return current_app.response_class(body, mimetype="application/xml")


@bp.get("/robots.txt")
def robots():
    """Crawlers may read the shop but not the back office, carts or checkout; the sitemap."""
    lines = ["User-agent: *", *(f"Disallow: {prefix}" for prefix in PRIVATE_PREFIXES)]
    lines.append(f"Sitemap: {seo.lang_url(url_for('centre.sitemap'), None)}")
    return current_app.response_class("\n".join(lines) + "\n", mimetype="text/plain")
