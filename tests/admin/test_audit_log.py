"""The audit log viewer: read-only, filtered by person, kind and the centre's days, paged."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from storefront.admin.audit_log import PER_PAGE
from storefront.audit import AuditLog, record_audit
from tests.factories import make_user


def _entry(session, action, user=None, at=datetime(2025, 7, 1, 12, 0), **detail):
    entry = record_audit(
        session, action, action.partition(".")[0], 7, user_id=user.id if user else None, **detail
    )
    entry.created_at = at
    return entry


def _rows(html: str) -> int:
    return html.count("<tr>") - 1  # less the header


def test_filters_by_person_kind_and_local_day(client, session, login):
    manager = make_user(session, role="admin", email="boss@example.com")
    clerk = make_user(session, role="staff", email="clerk@example.com")
    _entry(session, "showroom.sale", clerk, total_minor=25000)
    _entry(session, "user.role", manager, role="staff")
    # 23:30 UTC on 1 July 2025 is 00:30 on 2 July in Guelmim (UTC+1 in summer).
    _entry(session, "order.paid", None, at=datetime(2025, 7, 1, 23, 30), total_minor=12000)
    session.commit()
    login(manager)

    everything = client.get("/admin/audit").get_data(as_text=True)
    assert _rows(everything) == 3 and "clerk@example.com" in everything
    by_clerk = client.get(f"/admin/audit?person={clerk.id}").get_data(as_text=True)
    assert _rows(by_clerk) == 1 and "showroom.sale" in by_clerk
    by_system = client.get("/admin/audit?person=system").get_data(as_text=True)
    assert _rows(by_system) == 1 and "order.paid" in by_system
    by_kind = client.get("/admin/audit?kind=user").get_data(as_text=True)
    assert _rows(by_kind) == 1 and "user.role" in by_kind
    second = client.get("/admin/audit?from=2025-07-02&to=2025-07-02").get_data(as_text=True)
    assert _rows(second) == 1 and "order.paid" in second
    first = client.get("/admin/audit?from=2025-07-01&to=2025-07-01").get_data(as_text=True)
    assert _rows(first) == 2 and "order.paid" not in first


def test_a_filter_that_cannot_be_read_is_said_and_left_out(client, session, login):
    manager = make_user(session, role="admin")
    _entry(session, "user.role", manager)
    session.commit()
    login(manager)
    for query in ("from=2025-13-01", "person=%D9%A3", "kind=nope", "to=yesterday", "page=0"):
        response = client.get(f"/admin/audit?lang=en&{query}")
        assert response.status_code == 400, query
        page = response.get_data(as_text=True)
        assert "could not be read" in page and _rows(page) == 1


def test_pages_of_fifty_newest_first(client, session, login):
    manager = make_user(session, role="admin")
    for n in range(PER_PAGE + 3):
        _entry(session, "listing.approve", manager, at=datetime(2025, 1, 1, 8, n % 60), n=n)
    session.commit()
    login(manager)
    first = client.get("/admin/audit?kind=listing").get_data(as_text=True)
    assert _rows(first) == PER_PAGE and 'rel="next"' in first
    assert "kind=listing" in first.split('rel="next" href="')[1].split('"')[0]
    second = client.get("/admin/audit?kind=listing&page=2").get_data(as_text=True)
    assert _rows(second) == 3 and 'rel="next"' not in second and 'rel="prev"' in second


def test_read_only_and_managers_only(client, session, login):
    staff = make_user(session, role="staff")
    session.commit()
    login(staff)
    assert client.get("/admin/audit").status_code == 403
    rules = [
        r for r in client.application.url_map.iter_rules() if r.rule.startswith("/admin/audit")
    ]
    assert rules and all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in rules)
    assert session.scalar(select(func.count()).select_from(AuditLog)) == 0
