"""Every form post without its CSRF token is refused; only the signed Stripe webhook is exempt."""

from __future__ import annotations

import re

EXEMPT = {"/stripe/webhook"}


def test_post_without_token_is_refused_everywhere(app, client):
    posts = [
        rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and rule.rule not in EXEMPT
    ]
    assert len(posts) > 25
    for rule in posts:
        path = re.sub(r"<(?:\w+:)?\w+>", "1", rule.rule)
        response = client.post(path + "?lang=en", data={"email": "x@example.com"}, csrf=False)
        assert response.status_code == 400, rule.rule
        assert "Your form expired" in response.get_data(as_text=True), rule.rule


def test_webhook_is_exempt_but_needs_a_signature(client):
    response = client.post("/stripe/webhook", data=b"{}", content_type="application/json")
    assert response.status_code == 400
