"""Domain errors and the translated error pages."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule of the shop was broken; views turn it into a message and a status code."""

    status_code = 422

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        if status_code is not None:
            self.status_code = status_code


class NotFound(DomainError):
    """The object does not exist (or the caller may not know that it does)."""

    status_code = 404


class Forbidden(DomainError):
    """The caller may not do this to this object."""

    status_code = 403


class Conflict(DomainError):
    """The state changed under the caller: stock taken, order already paid, and so on."""

    status_code = 409


TITLES = {
    400: _l("Bad request"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("File too large"),
    422: _l("Invalid input"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
}

MESSAGES = {
    400: _l("The request could not be understood. Please check the address and try again."),
    403: _l("You are not allowed to open this page."),
    404: _l("We could not find this page. It may have moved or been removed."),
    405: _l("This page cannot be used that way."),
    409: _l("Someone changed this at the same moment. Please try again."),
    413: _l("The file you sent is too large."),
    422: _l("Some of what you sent is not valid."),
    429: _l("Too many attempts. Please wait a moment and try again."),
    500: _l("An unexpected error happened on our side. Nothing was charged; please try again."),
}


def render_error(status: int, message: str | None = None):
    """Render the error page (or JSON for API clients) with a translated message."""
    from .extensions import db

    db.session.rollback()
    title = TITLES.get(status, TITLES[500])
    text = message or MESSAGES.get(status, MESSAGES[500])
    if request.path.startswith("/stripe/") or request.accept_mimetypes.best == "application/json":
        return jsonify(error=str(title), message=str(text)), status
    return render_template("errors/error.html", status=status, title=title, message=text), status


def register_error_handlers(app: Flask) -> None:
    """Attach the handlers that turn exceptions into translated pages."""

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        return render_error(exc.status_code, exc.message)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return render_error(
            400, _l("Your form expired or was sent from elsewhere. Please reload and try again.")
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        response = render_error(status)
        if status == 405 and exc.valid_methods:
            body, code = response
            return body, code, {"Allow": ", ".join(exc.valid_methods)}
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        return render_error(500)
