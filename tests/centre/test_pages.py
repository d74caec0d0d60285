"""The centre's pages in three languages, its opening hours, and the contact form."""

from __future__ import annotations

import re
from datetime import datetime, time

import pytest
from sqlalchemy import select

from storefront.audit import AuditLog
from storefront.centre import services
from storefront.centre.models import CentreHours
from storefront.mail.models import MessageKind, OutboxMessage
from tests.factories import make_shop, make_user

NAMES = {
    "ar": "القطب المندمج للصناعة التقليدية بكلميم",
    "fr": "Pôle intégré de l'artisanat de Guelmim",
    "en": "Guelmim Integrated Crafts Centre",
}
# A phrase each page shows in each language: translated, not the English message id.
PAGES = {
    "/visit": {
        "ar": "المحلات المفتوحة الآن",
        "fr": "Boutiques ouvertes en ce moment",
        "en": "Shops open now",
    },
    "/centre": {"ar": "ورشاته الست", "fr": "ses six ateliers", "en": "its six workshops"},
    "/terms": {"ar": "شروط البيع", "fr": "Conditions générales de vente", "en": "Terms of sale"},
    "/returns": {
        "ar": "14 يومًا",
        "fr": "14 jours après la livraison",
        "en": "14 days after delivery",
    },
    "/privacy": {"ar": "09-08", "fr": "09-08", "en": "09-08"},
    "/contact": {"ar": "راسلوا القطب", "fr": "Écrire au Pôle", "en": "Contact the centre"},
}


def _html(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
@pytest.mark.parametrize("path", sorted(PAGES))
def test_each_page_speaks_each_language(client, session, path, lang):
    html = _html(client, f"{path}?lang={lang}")
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in html
    assert PAGES[path][lang] in _text(html)
    # The footer links to every centre page and shows the week's hours.
    for link in ("/visit", "/centre", "/terms", "/returns", "/privacy", "/contact"):
        assert f'href="{link}"' in html


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_the_centre_has_one_name_per_language(client, session, lang):
    text = _text(_html(client, f"/centre?lang={lang}"))
    assert NAMES[lang] in text
    for other, name in NAMES.items():
        if other != lang:
            assert name not in text


def test_the_centre_page_names_its_six_workshops_and_100_shops(client, session):
    html = _html(client, "/centre?lang=en")
    assert len(re.findall(r"<li>", html.split('class="workshops"')[1].split("</ul>")[0])) == 6
    assert "100 shops" in _text(html)
    assert "technical support centre" in _text(html)


def test_returns_and_terms_state_the_configured_windows(app, client, session):
    text = _text(_html(client, "/returns?lang=fr"))
    assert "14 jours après la livraison ou le retrait" in text
    assert "7 jours après la vente" in text
    app.config["RETURN_WINDOW_ONLINE_DAYS"] = 30
    app.config["PAGE_CACHE"] = False
    assert "30 days after delivery or collection" in _text(_html(client, "/returns?lang=en"))
    assert "within 30 days of its delivery" in _text(_html(client, "/terms?lang=en"))


def test_the_footer_and_visit_page_show_the_hours(client, session):
    text = _text(_html(client, "/products?lang=en"))
    week = "Monday to Saturday, 9:00 AM – 7:00 PM · Sunday, 10:00 AM – 5:00 PM"
    assert f"Opening hours: {week}" in text
    french = _text(_html(client, "/products?lang=fr"))
    assert (
        "Heures d'ouverture : du lundi au samedi, 09:00 – 19:00 · dimanche, 10:00 – 17:00" in french
    )
    arabic = _text(_html(client, "/products?lang=ar"))
    assert "أوقات العمل: من الاثنين إلى السبت، " in arabic
    visit = _text(_html(client, "/visit?lang=fr"))
    assert "samedi 09:00 – 19:00" in visit
    assert "Guelmim 81000, Maroc" in visit
    assert "<svg" in _html(client, "/visit")


def test_shops_open_now_follow_the_centre_time_zone(session):
    make_shop(session, number=1, opens_at=time(9), closes_at=time(13))
    make_shop(session, number=2, opens_at=time(14), closes_at=time(19))
    make_shop(session, number=3, opens_at=time(9), closes_at=time(19), closed_weekday=3)
    session.flush()
    # Wednesday 2026-07-01 10:30 in Guelmim (UTC+1 in July) is 09:30 UTC.
    today, shops = services.open_now(session, now=datetime(2026, 7, 1, 9, 30))
    assert today.weekday == 3
    assert [shop.number for shop in shops] == [1]
    # 08:30 UTC is 09:30 in Guelmim: shop 1 is open though the UTC hour is before 09:00.
    _today, shops = services.open_now(session, now=datetime(2026, 7, 2, 8, 30))
    assert [shop.number for shop in shops] == [1, 3]
    # 19:30 local: the centre (09:00-19:00) is closed, so every shop is.
    _today, shops = services.open_now(session, now=datetime(2026, 7, 2, 18, 30))
    assert shops == []


def test_after_closing_the_next_opening_is_another_day(session):
    """At 21:47 on a Friday the centre (09:00-19:00) is not "open today": it opens Saturday."""
    week = services.opening_hours(session)
    # Friday 2026-12-04 21:47 in Guelmim is 21:47 UTC (UTC+0 from 2026-09-20, tz 2026f).
    day, today = services.next_opening(week, now=datetime(2026, 12, 4, 21, 47))
    assert (day.weekday, today) == (6, False)
    # Before opening time it is today's hours.
    day, today = services.next_opening(week, now=datetime(2026, 12, 4, 7, 0))
    assert (day.weekday, today) == (5, True)
    # Sunday evening, after its hours: Monday.
    day, today = services.next_opening(week, now=datetime(2026, 12, 6, 20, 0))
    assert (day.weekday, today) == (1, False)


def test_the_visit_page_lists_the_open_shops(client, session, app):
    make_shop(session, number=7, name="Atelier Tafraout", opens_at=time(0), closes_at=time(23, 59))
    session.commit()
    week = {day: (time(0), time(23, 59)) for day in range(1, 8)}
    services.set_opening_hours(session, week, user_id=None)
    session.commit()
    html = _html(client, "/visit?lang=en")
    assert "Atelier Tafraout" in html
    assert 'href="/shops/7"' in html


def test_a_manager_changes_the_hours_audited_and_every_page_shows_them(client, session, login):
    manager = make_user(session, role="admin")
    session.commit()
    assert "Sunday, 10:00 AM – 5:00 PM" in _text(_html(client, "/terms?lang=en"))  # cached now
    login(manager)
    form = {}
    for day in range(1, 8):
        form[f"opens_{day}"], form[f"closes_{day}"] = "09:00", "19:00"
    form["closed_7"] = "y"
    response = client.post("/admin/hours", data=form)
    assert response.status_code == 303
    session.expire_all()
    sunday = session.get(CentreHours, 7)
    assert sunday.opens_at is None and sunday.closes_at is None
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "centre.hours_changed")).one()
    assert entry.object_id == 7 and entry.user_id == manager.id
    assert entry.data == {"before": "10:00-17:00", "after": "closed"}
    with client.session_transaction() as flask_session:
        flask_session.clear()
    text = _text(_html(client, "/terms?lang=en"))
    assert "Monday to Saturday, 9:00 AM – 7:00 PM · Sunday, closed" in text


def test_hours_that_close_before_they_open_are_refused(client, session, login):
    manager = make_user(session, role="admin")
    session.commit()
    login(manager)
    form = {f"opens_{d}": "09:00" for d in range(1, 8)} | {
        f"closes_{d}": "19:00" for d in range(1, 8)
    }
    form["closes_2"] = "08:00"
    form["opens_4"] = "9h"
    response = client.post("/admin/hours?lang=fr", data=form)
    assert response.status_code == 422
    text = _text(response.get_data(as_text=True))
    assert "L'heure de fermeture doit venir après l'heure d'ouverture." in text
    assert "Indiquez une heure d'ouverture et une heure de fermeture" in text
    session.expire_all()
    assert session.scalars(select(CentreHours)).all() == []
    assert services.opening_hours(session)[1].closes == time(19)
    assert session.scalars(select(AuditLog)).all() == []


def test_staff_who_are_not_managers_cannot_change_the_hours(client, session, login):
    login(make_user(session, role="staff"))
    session.commit()
    assert client.get("/admin/hours").status_code == 403


CONTACT = {
    "name": "Camille Martin",
    "email": "camille@example.com",
    "subject": "Un tapis sur mesure",
    "message": "Bonjour, pouvez-vous faire ce tapis en 2 x 3 m ?",
}


def test_the_contact_form_queues_a_message_to_the_centre(app, client, session):
    _html(client, "/contact?lang=fr")
    response = client.post("/contact?lang=fr", data=CONTACT)
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert "Merci : votre message est en route vers le Pôle" in _text(page.get_data(as_text=True))
    message = session.scalars(select(OutboxMessage)).one()
    assert message.kind == MessageKind.CONTACT
    assert message.to_address == app.config["CONTACT_EMAIL"]
    assert message.subject == "Un tapis sur mesure"
    assert "Camille Martin <camille@example.com>" in message.body
    assert "2 x 3 m" in message.body


def test_the_contact_form_is_sent_by_the_worker(app, client, session, caplog, run_jobs):
    client.get("/contact")
    client.post("/contact", data=CONTACT)
    with caplog.at_level("INFO", logger="storefront.mail"):
        assert "deliver_mail" in run_jobs()
    session.expire_all()
    assert session.scalars(select(OutboxMessage.status)).one() == "sent"
    # Without MAIL_SERVER the worker writes it to the log: to the centre, with the subject.
    assert f"email to {app.config['CONTACT_EMAIL']}: Un tapis sur mesure" in caplog.text


def test_a_robot_filling_the_hidden_field_queues_nothing(client, session):
    client.get("/contact")
    response = client.post("/contact", data={**CONTACT, "website": "http://spam.example"})
    assert response.status_code == 303
    assert session.scalars(select(OutboxMessage)).all() == []


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_bad_contact_input_is_refused_with_messages_and_kept(client, session, lang):
    client.get(f"/contact?lang={lang}")
    response = client.post(
        f"/contact?lang={lang}",
        data={"name": "", "email": "not-an-address", "subject": "Tapis", "message": "court"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.count('aria-invalid="true"') == 3
    assert 'value="not-an-address"' in html and 'value="Tapis"' in html
    expected = {
        "fr": "Écrivez entre 10 et 5000 caractères.",
        "en": "Write between 10 and 5000 characters.",
        "ar": "اكتبوا ما بين 10 و5000 حرف.",
    }
    assert expected[lang] in html
    assert session.scalars(select(OutboxMessage)).all() == []


def test_the_contact_form_needs_its_csrf_token(client, session):
    client.get("/contact")
    response = client.post("/contact", data=CONTACT, csrf=False)
    assert response.status_code == 400
    assert session.scalars(select(OutboxMessage)).all() == []


def test_the_cached_contact_page_gives_each_visitor_a_working_token(app, client, session):
    first = app.test_client()
    assert first.get("/contact").status_code == 200  # rendered and stored
    second = app.test_client()
    html = second.get("/contact").get_data(as_text=True)  # served from the cache
    assert "\x00" not in html
    assert second.post("/contact", data=CONTACT).status_code == 303
    assert first.post("/contact", data=CONTACT).status_code == 303
    assert len(session.scalars(select(OutboxMessage)).all()) == 2


def test_the_return_windows_come_from_the_environment(monkeypatch, database_url, tmp_path):
    from storefront import create_app

    monkeypatch.setenv("RETURN_WINDOW_ONLINE_DAYS", "21")
    monkeypatch.setenv("RETURN_WINDOW_SHOWROOM_DAYS", "10")
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "MEDIA_ROOT": str(tmp_path)})
    assert app.config["RETURN_WINDOW_ONLINE_DAYS"] == 21
    assert app.config["RETURN_WINDOW_SHOWROOM_DAYS"] == 10
    app.extensions["jobs"].close()
