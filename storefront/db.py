"""Database engine settings that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db


def is_sqlite(session_or_engine=None) -> bool:
    """Whether the bound database is SQLite."""
    bind = session_or_engine.get_bind() if hasattr(session_or_engine, "get_bind") else None
    engine = bind or session_or_engine or db.engine
    return engine.dialect.name == "sqlite"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Foreign keys are off by default in SQLite; WAL lets readers run beside one writer, and
    # the busy timeout makes concurrent writers wait for the lock instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_db(app: Flask) -> None:
    """Install the SQLite connection pragmas on the app's engine."""
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
