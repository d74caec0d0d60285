"""The application factory, health check and configuration rules."""

from storefront import create_app


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_static_files_have_hashed_names_cached_forever(client):
    html = client.get("/zone").get_data(as_text=True)
    import re

    href = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', html).group(1)
    response = client.get(href)
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=315360000" in response.headers["Cache-Control"]
    assert b"--sand" in b"".join(response.response)
    response.close()


def test_security_headers_forbid_inline_script(client):
    response = client.get("/zone")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_unexpected_errors_get_a_translated_500_page(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom?lang=fr")
    assert response.status_code == 500
    assert "Rien n'a été débité" in response.get_data(as_text=True)


def test_unknown_page_is_a_translated_404(client):
    response = client.get("/no/such/page?lang=ar")
    assert response.status_code == 404
    assert "الصفحة غير موجودة" in response.get_data(as_text=True)


def test_healthz_reports_unreachable_database(app_config, tmp_path):
    broken = create_app(
        {**app_config, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:9/none"}
    )
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"
