"""Language choice (ar, fr, en), text direction and translated content fields."""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request
from flask_babel import get_locale

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


def current_lang() -> str:
    """The request's language code, or French outside a request."""
    if not has_request_context():
        return "fr"
    return str(get_locale() or "fr")[:2]


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
