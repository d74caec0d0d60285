"""The application factory, health check and configuration rules."""

import pytest

from storefront import create_app


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_production_refuses_test_gateway(monkeypatch):
    monkeypatch.setenv("STOREFRONT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("PAYMENTS", "test")
    with pytest.raises(RuntimeError, match="test payment gateway"):
        create_app()


def test_production_requires_secret_key(monkeypatch):
    monkeypatch.setenv("STOREFRONT_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PAYMENTS", "stripe")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()
