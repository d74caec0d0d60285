"""Access rules in one place: role checks for routes, ownership checks for objects."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import current_app, redirect, request, url_for
from flask_login import current_user

from storefront.errors import Forbidden, NotFound

from .models import Role

F = TypeVar("F", bound=Callable)

# The widest audience of each area. Routes narrow it with the decorators below; a route added
# under one of these prefixes without a decorator is still closed to everyone else.
AREA_ROLES: tuple[tuple[str, frozenset[str]], ...] = (
    ("/dashboard", frozenset({Role.ARTISAN})),
    ("/staff", frozenset({Role.STAFF, Role.ADMIN})),
    ("/admin", frozenset({Role.STAFF, Role.ADMIN})),
)


def _refuse_anonymous():
    """Send a browser to sign in; other methods get a 401 with a translated message."""
    if "accounts.login" in current_app.view_functions and request.method == "GET":
        return redirect(url_for("accounts.login", next=request.full_path))
    raise Forbidden(_sign_in(), status_code=401)


def enforce_area_roles():
    """Before every request: refuse an area's routes to anyone outside its audience.

    Raises Forbidden (403), or answers anonymous visitors as the decorators do (sign-in
    redirect or 401). Unknown URLs are left to the 404 handler.
    """
    if request.url_rule is None:
        return None
    for prefix, roles in AREA_ROLES:
        if request.path == prefix or request.path.startswith(prefix + "/"):
            if not current_user.is_authenticated:
                return _refuse_anonymous()
            if current_user.role not in roles:
                raise Forbidden(_denied())
    return None


def roles_required(*roles: Role | str) -> Callable[[F], F]:
    """Let signed-in users with one of `roles` through.

    Anonymous visitors are sent to sign in (401 for non-HTML clients); others get Forbidden (403).
    """
    allowed = {str(r) for r in roles}

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return _refuse_anonymous()
            if current_user.role not in allowed:
                raise Forbidden(_denied())
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def staff_required(view: F) -> F:
    """Showroom staff and admins."""
    return roles_required(Role.STAFF, Role.ADMIN)(view)


def admin_required(view: F) -> F:
    """Admins (the centre's managers) only."""
    return roles_required(Role.ADMIN)(view)


def artisan_required(view: F) -> F:
    """Artisans only (each is tied to one Artisan)."""
    return roles_required(Role.ARTISAN)(view)


def own_or_404(obj, artisan_id_attr: str = "artisan_id"):
    """Return obj if it belongs to the signed-in artisan; otherwise NotFound (404).

    A 404 rather than a 403 does not confirm that another artisan's object exists.
    """
    if obj is None or getattr(obj, artisan_id_attr, None) != current_user.artisan_id:
        raise NotFound(_not_found())
    return obj


def _denied() -> str:
    from flask_babel import gettext as _

    return _("You are not allowed to open this page.")


def _sign_in() -> str:
    from flask_babel import gettext as _

    return _("Please sign in first.")


def _not_found() -> str:
    from flask_babel import gettext as _

    return _("We could not find this page. It may have moved or been removed.")
