"""Sign-in limits behind the proxy: the client's address comes from X-Forwarded-For.

The shop's rule: failures count per account and per account from one address, never across
accounts from an address, so a busy office or a carrier's shared address cannot lock out
everyone, and guessing at one account from one place stops after five tries.
"""

from __future__ import annotations

from .web import Visitor

STAFF = "staff@demo.guelmim-crafts.ma"
MANAGER = "manager@demo.guelmim-crafts.ma"
ARTISAN = "artisan@demo.guelmim-crafts.ma"
PASSWORD = "guelmim-demo-2026"
PER_ADDRESS_AND_ACCOUNT = 5


def _sign_in(person: Visitor, email: str, password: str):
    page = person.get("/login?lang=en")
    assert page.status == 200, page.status
    return person.submit(
        page, page.form(action="/login"), follow=False, email=email, password=password
    )


def test_failures_from_one_address_do_not_block_another(visitor):
    guesser = visitor(address="203.0.113.7")
    for attempt in range(PER_ADDRESS_AND_ACCOUNT):
        answer = _sign_in(guesser, STAFF, f"guess {attempt}")
        assert answer.status == 422 and answer.shows("Wrong email or password."), answer.status
    blocked = _sign_in(guesser, STAFF, PASSWORD)
    assert blocked.status == 429, "five failures from one address did not stop that address"
    assert blocked.headers.get("Retry-After")

    colleague = visitor(address="198.51.100.23")
    answer = _sign_in(colleague, STAFF, PASSWORD)
    assert answer.status == 302, (answer.status, answer.text[:300])
    assert answer.headers["Location"].endswith("/admin/")


def test_the_manager_signs_in_from_an_address_where_other_accounts_failed(visitor):
    office = "192.0.2.44"
    strangers = visitor(address=office)
    for n in range(25):
        answer = _sign_in(strangers, f"someone{n}@example.com", "not the password")
        assert answer.status == 422, (n, answer.status)
    manager = visitor(address=office)
    answer = _sign_in(manager, MANAGER, PASSWORD)
    assert answer.status == 302, (answer.status, answer.text[:300])
    assert answer.headers["Location"].endswith("/admin/")
    assert manager.get("/admin/").status == 200


def test_the_forwarded_address_is_the_one_counted(deployed, visitor, limits_store):
    _sign_in(visitor(address="203.0.113.99"), ARTISAN, "a wrong guess")
    prefix = deployed.env["RATELIMIT_KEY_PREFIX"]
    keys = [key.decode() for key in limits_store.scan_iter(match=f"*{prefix}*")]
    assert any("203.0.113.99" in key for key in keys), keys
