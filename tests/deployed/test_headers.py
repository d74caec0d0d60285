"""Security headers and cookies as deployed: HSTS, a Secure session cookie, the strict CSP."""

from __future__ import annotations


def _set_cookies(page) -> list[str]:
    return page.headers.get_all("Set-Cookie") or []


def test_every_answer_tells_browsers_to_keep_to_https(visitor, deployed):
    shopper = visitor()
    for path in ("/", "/products", "/login", "/no/such/page", "/healthz"):
        page = shopper.get(path)
        hsts = page.headers.get("Strict-Transport-Security", "")
        assert "max-age=" in hsts, (path, page.status, hsts)
        assert int(hsts.split("max-age=")[1].split(";")[0]) >= 180 * 24 * 3600, hsts
        assert page.headers.get("X-Content-Type-Options") == "nosniff", path


def test_the_session_cookie_is_secure_http_only_and_same_site(visitor, deployed):
    shopper = visitor()
    page = shopper.get("/login")
    assert page.status == 200
    [session] = [c for c in _set_cookies(page) if c.startswith("session=")]
    attributes = {part.strip().split("=")[0].lower() for part in session.split(";")[1:]}
    assert {"secure", "httponly", "samesite"} <= attributes, session
    assert "samesite=lax" in session.lower(), session
    assert shopper.cookie("session").secure


def test_pages_forbid_inline_script_and_framing(visitor, deployed):
    page = visitor().get("/")
    policy = page.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy, policy
    assert "frame-ancestors 'none'" in policy, policy
