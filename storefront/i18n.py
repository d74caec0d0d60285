"""Language choice (ar, fr, en), text direction and translated content fields."""

from __future__ import annotations

from babel import Locale
from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g, has_request_context, request
from flask.globals import _cv_app
from flask_babel import get_locale, get_translations
from jinja2 import pass_eval_context
from markupsafe import Markup
from wtforms.i18n import messages_path

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


def _babel_state():
    ctx = _cv_app.get(None)
    return ctx.g.__dict__.get("_flask_babel") if ctx is not None else None


def _chosen_locale() -> Locale | None:
    locale = getattr(_babel_state(), "babel_locale", None)
    return locale if locale is not None else get_locale()


def current_lang() -> str:
    """The request's language code, or French outside a request."""
    if not has_request_context():
        return "fr"
    locale = _chosen_locale()
    state = _babel_state()
    known = getattr(state, "shop_lang", None)
    if known is not None and known[0] is locale:
        return known[1]
    code = str(locale)[:2] if locale is not None else "fr"
    if state is not None:
        state.shop_lang = (locale, code)
    return code


def translations() -> NullTranslations:
    """The gettext catalog of the current locale (Flask-Babel's, kept per request and locale)."""
    state = _babel_state()
    locale = _chosen_locale()
    known = getattr(state, "shop_translations", None)
    if known is not None and known[0] is locale:
        return known[1]
    found = get_translations()
    if state is not None:
        state.shop_translations = (locale, found)
    return found


# Jinja's "new style" gettext for templates (jinja2.ext): the message is escaped into Markup when
# autoescaping, and always formatted with its keyword arguments (ngettext adds num, pgettext
# context). These call the catalog directly instead of through Context.call three times over.


@pass_eval_context
def _gettext(eval_ctx, string: str, **variables) -> str:
    rv = translations().ugettext(string)
    return (Markup(rv) if eval_ctx.autoescape else rv) % variables


@pass_eval_context
def _ngettext(eval_ctx, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    rv = translations().ungettext(singular, plural, num)
    return (Markup(rv) if eval_ctx.autoescape else rv) % variables


@pass_eval_context
def _pgettext(eval_ctx, context: str, string: str, **variables) -> str:
    variables.setdefault("context", context)
    rv = translations().upgettext(context, string)
    return (Markup(rv) if eval_ctx.autoescape else rv) % variables


@pass_eval_context
def _npgettext(eval_ctx, context: str, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("context", context)
    variables.setdefault("num", num)
    rv = translations().unpgettext(context, singular, plural, num)
    return (Markup(rv) if eval_ctx.autoescape else rv) % variables


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
    # Flask-WTF reads WTForms' own messages from disk once in every request that has a form,
    # unless the request already holds them: give it this process's copy for its locale.
    wtforms_catalogs: dict[str, NullTranslations] = {}

    @app.before_request
    def share_wtforms_messages():
        locale = str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])
        found = wtforms_catalogs.get(locale)
        if found is None:
            found = Translations.load(messages_path(), [locale], domain="wtforms")
            wtforms_catalogs[locale] = found
        request.wtforms_translations = found

    # Templates translate through translations(), with Jinja's "new style" gettext semantics.
    app.jinja_env.newstyle_gettext = True
    app.jinja_env.globals.update(
        _=_gettext, gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext, npgettext=_npgettext
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
