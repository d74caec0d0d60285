"""Links in mail come from PUBLIC_URL, whatever Host header the request that caused them sent."""

from __future__ import annotations

import re

import sqlalchemy as sa

from .web import Visitor

ARTISAN = "artisan@demo.guelmim-crafts.ma"
EVIL = "evil.example"


def _reset_mails(deployed) -> list[str]:
    with deployed.engine.connect() as conn:
        return list(
            conn.execute(
                sa.text(
                    "SELECT body FROM outbox_messages WHERE to_address = :to AND kind = 'account' "
                    "ORDER BY id"
                ),
                {"to": ARTISAN},
            ).scalars()
        )


def test_a_reset_asked_with_a_forged_host_links_to_the_shop(deployed, visitor):
    before = len(_reset_mails(deployed))
    attacker: Visitor = visitor()
    forged = {"Host": EVIL, "X-Forwarded-Host": EVIL}
    page = attacker.get("/password-reset?lang=en", headers=forged)
    assert page.status == 200, page.status
    sent = attacker.submit(page, page.form(action="/password-reset"), headers=forged, email=ARTISAN)
    assert sent.status == 200 and sent.shows("a link to reset the password is on its way")

    mails = _reset_mails(deployed)
    assert len(mails) == before + 1, "no reset mail was queued"
    body = mails[-1]
    assert EVIL not in body, body
    [link] = re.findall(r"https?://\S+", body)
    assert link.startswith(f"{deployed.env['PUBLIC_URL']}/password-reset/"), link

    # The link works for the artisan, in a browser of their own.
    opened = visitor().get(link.removeprefix(deployed.env["PUBLIC_URL"]))
    assert opened.status == 200 and 'name="password"' in opened.text
