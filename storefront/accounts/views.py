"""Sign-in and sign-out."""

from flask import Blueprint

from storefront.extensions import db, login_manager

from .models import User

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Flask-Login hook: the signed-in user, if still present."""
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))
