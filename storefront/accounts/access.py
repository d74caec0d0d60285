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


def roles_required(*roles: Role | str) -> Callable[[F], F]:
    """Let signed-in users with one of `roles` through.

    Anonymous visitors are sent to sign in (401 for non-HTML clients); others get Forbidden (403).
    """
    allowed = {str(r) for r in roles}

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if "accounts.login" in current_app.view_functions and request.method == "GET":
                    return redirect(url_for("accounts.login", next=request.full_path))
                raise Forbidden(_sign_in(), status_code=401)
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
