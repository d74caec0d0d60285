"""Language choice (ar, fr, en), text direction and translated content fields."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request
from flask.globals import _cv_app
from flask_babel import get_locale, get_translations

from .extensions import babel

LANGUAGES = ("ar", "fr", "en")
RTL = frozenset({"ar"})
LANG_COOKIE = "lang"
LANGUAGE_NAMES = {"ar": "العربية", "fr": "Français", "en": "English"}


def select_locale() -> str:
    """Pick the language: a valid ?lang=, then the cookie, then Accept-Language, then French."""
    if not has_request_context():  # CLI commands and worker threads translate in the default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        g.set_lang_cookie = asked
        return asked
    cookie = request.cookies.get(LANG_COOKIE, "")
    if cookie in LANGUAGES:
        return cookie
    best = request.accept_languages.best_match(LANGUAGES)
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


# Pages ask for the language and translations many times each (every card's price and label):
# these read Flask-Babel's per-request state straight from the application context, and fall back
# to Flask-Babel's own functions until it has chosen the locale. force_locale() is honoured: it
# replaces the state's locale, which is what both read.


def _chosen_locale() -> Locale | None:
    ctx = _cv_app.get(None)
    state = ctx.g.__dict__.get("_flask_babel") if ctx is not None else None
    locale = getattr(state, "babel_locale", None)
    return locale if locale is not None else get_locale()


@lru_cache(maxsize=16)
def _code(locale: Locale) -> str:
    return str(locale)[:2]


def current_lang() -> str:
    """The request's language code, or French outside a request."""
    if not has_request_context():
        return "fr"
    locale = _chosen_locale()
    return _code(locale) if locale is not None else "fr"


def translations() -> NullTranslations:
    """The gettext catalog of the current locale (Flask-Babel's, kept per app and locale)."""
    ctx = _cv_app.get(None)
    if ctx is None:
        return get_translations()
    locale = _chosen_locale()
    known = ctx.app.extensions["translations_by_locale"]
    found = known.get(locale)
    if found is None:
        found = known[locale] = get_translations()
    return found


def text_direction(lang: str | None = None) -> str:
    """'rtl' for Arabic, 'ltr' otherwise."""
    return "rtl" if (lang or current_lang()) in RTL else "ltr"


def tr(obj: object, field: str, lang: str | None = None) -> str:
    """A translated content field: the asked language, then the author's own, then any other."""
    lang = lang or current_lang()
    own = getattr(obj, "source_lang", None) or "ar"
    for code in (lang, own, *LANGUAGES):
        value = getattr(obj, f"{field}_{code}", None)
        if value:
            return value
    return ""


def init_i18n(app: Flask) -> None:
    """Bind Flask-Babel with one catalog directory per area, and remember ?lang= in a cookie."""
    dirs = sorted(str(p) for p in (app.config["ROOT"] / "translations").iterdir() if p.is_dir())
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(dirs)
    babel.init_app(app, locale_selector=select_locale)
    app.extensions["translations_by_locale"] = {}
    # Flask-Babel's callables for templates, reading the catalog through translations().
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )

    @app.after_request
    def remember_lang(response):
        # The language first: a redirect renders nothing, so ?lang= is read here, not before.
        response.headers.setdefault("Content-Language", current_lang())
        lang = g.pop("set_lang_cookie", None)
        if lang:
            response.set_cookie(
                LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
            )
        return response

    app.jinja_env.globals.update(
        tr=tr,
        current_lang=current_lang,
        text_direction=text_direction,
        LANGUAGES=LANGUAGES,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
    )
