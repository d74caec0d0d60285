"""Several fresh visitors at once add the same piece from its product page on the deployed shop.

Two gunicorn workers, each with its own page cache: whichever serves a visitor, the CSRF token
in the page is that visitor's own, so every add-to-cart works and lands in its own cart.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

VISITORS = 6
WAIT_SECONDS = 30


def test_visitors_at_once_each_add_the_piece_to_their_own_cart(deployed, visitor):
    piece = deployed.piece()
    path = f"/products/{piece['slug']}?lang=en"
    together = threading.Barrier(VISITORS, timeout=WAIT_SECONDS)

    def shop(number: int) -> dict:
        buyer = visitor()
        page = buyer.get(path)
        assert page.status == 200 and page.shows(piece["title_en"]), page.status
        form = page.form(css="add-to-cart")
        together.wait()  # every visitor has the page; all add at the same moment
        added = buyer.submit(page, form)
        cart = buyer.get("/cart")
        return {
            "token": form.fields["csrf_token"],
            "added": (added.status, [status for status, _ in added.history]),
            "in cart": cart.shows(piece["title_en"]),
            "count": cart.text.count('<span class="count">1</span>'),
            "lines": cart.text.count('class="cart-line"'),
        }

    with ThreadPoolExecutor(VISITORS) as pool:
        results = list(pool.map(shop, range(VISITORS)))
    assert len({r["token"] for r in results}) == VISITORS, "visitors were given the same token"
    for number, result in enumerate(results):
        assert result["added"] == (200, [303]), (number, result)
        assert result["in cart"] and result["count"] == 1 and result["lines"] == 1, (number, result)
