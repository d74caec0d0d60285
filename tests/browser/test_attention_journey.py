"""A manager on a 1024 px tablet in French clears the attention queue, then reads the audit log."""

from __future__ import annotations

from playwright.sync_api import expect

from storefront.checkout import fulfil
from storefront.mail.models import MessageStatus, OutboxMessage
from storefront.mail.services import MAX_ATTEMPTS, queue_account_email, record_failure
from storefront.orders import services as orders
from storefront.orders.models import Channel, Order
from tests.browser.test_showroom_journey import sign_in
from tests.factories import make_product, make_user


def test_manager_resolves_a_flagged_order_and_sends_failed_mail_again(live_server, new_page, shot):
    with live_server.seed() as session:
        make_user(session, role="admin", email="direction@example.com", locale="fr")
        piece = make_product(session, price_minor=20000, stock=2, title_fr="Plateau")
        order = orders.create_order(
            session, channel=Channel.ONLINE, lines=[(piece.id, 1)], customer_name="Nora"
        )
        short = fulfil.PaymentResult(order.number, True, 19900, "mad", "pi_short", "stripe")
        assert fulfil.fulfil_payment(session, short) == "amount mismatch"
        message = queue_account_email(
            session, to="perdu@example.invalid", locale="fr", subject="Invitation", body="Bonjour"
        )
        for _n in range(MAX_ATTEMPTS):
            record_failure(session, message, "SMTPRecipientsRefused: perdu@example.invalid")
        order_id, message_id, number = order.id, message.id, order.number
    page = new_page((1024, 768), locale="fr-FR")
    sign_in(page, live_server.url, "direction@example.com", then="/admin/attention?lang=fr")
    expect(page.locator("h1")).to_have_text("À traiter")
    item = page.locator(f"#order-{order_id}")
    expect(item).to_contain_text(f"Commande {number}")
    expect(item).to_contain_text("Le paiement ne correspond pas à la commande")
    shot(page, "queue")
    item.get_by_role("button", name="Marquer comme traité").click()
    # The browser asks for the note first (required); the server would refuse it too.
    expect(page.locator(f"#order-{order_id}")).to_be_visible()
    item.get_by_label("Ce qui a été fait").fill("Appelé la cliente ; paiement refait.")
    item.get_by_role("button", name="Marquer comme traité").click()
    expect(page.locator(".flash-success")).to_contain_text("Traité")
    expect(page.locator(f"#order-{order_id}")).to_have_count(0)
    mail = page.locator(f"#mail-{message_id}")
    expect(mail).to_contain_text("perdu@example.invalid")
    mail.get_by_role("button", name="Renvoyer").click()
    expect(page.locator(".flash-success")).to_contain_text("Le message repart")
    expect(page.locator(f"#mail-{message_id}")).to_have_count(0)
    expect(page.locator(".empty")).to_have_count(3)
    with live_server.seed() as session:
        assert session.get(Order, order_id).attention_reason is None
        assert session.get(OutboxMessage, message_id).status in (
            MessageStatus.PENDING,
            MessageStatus.SENT,  # the worker may have sent it already
        )
    page.get_by_role("link", name="Journal d'audit").click()
    page.get_by_label("Type").select_option("attention")
    page.get_by_role("button", name="Afficher").click()
    rows = page.locator("table.audit tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("attention.mail_resent")
    expect(rows.nth(1)).to_contain_text("Appelé la cliente ; paiement refait.")
    shot(page, "audit")
