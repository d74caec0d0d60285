"""Flask extensions, created unbound and attached in create_app()."""

from typing import Annotated

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import BigInteger, MetaData
from sqlalchemy.orm import DeclarativeBase, mapped_column

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base shared by every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Ids are INTEGER: 32 bits on PostgreSQL. A larger number from a form or URL can match no row,
# and PostgreSQL refuses to compare it with an id column ("integer out of range"), so parsers
# stop it before SQL (storefront.inputs).
MAX_ID = 2**31 - 1

# Every amount of money, in minor units (centimes): BIGINT, since INTEGER ends at 21,474,836.47
# MAD, less than a day's takings of a large order or a drawer of notes. Use as Mapped[Minor].
Minor = Annotated[int, mapped_column(BigInteger)]


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
