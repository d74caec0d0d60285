"""Photo variants are the worker's job: pages before and after it ran, a queue that is down."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from storefront.catalog.images import original_path, store_image
from storefront.catalog.models import ProductImage
from storefront.extensions import db
from tests.factories import CHECKOUT_FORM, make_artisan, make_product, make_user
from tests.jobs.test_jobs import _closed_port, _queued


def _jpeg(colour, size=(900, 700)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def pending_piece(app):
    """A live piece whose one photo is stored but has no variants yet; returns (slug, key)."""
    with app.app_context():
        product = make_product(db.session, title_en="Green tajine")
        stored = store_image(_jpeg((30, 140, 60)), app.config["MEDIA_ROOT"])
        product.images.append(
            ProductImage(key=stored.key, width=stored.width, height=stored.height, widths="")
        )
        db.session.commit()
        return product.slug, stored.key, product.id


def _widths(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(ProductImage.widths).order_by(ProductImage.id)))


def test_pages_show_a_placeholder_until_the_worker_made_the_variants(
    app, client, pending_piece, run_jobs
):
    slug, key, product_id = pending_piece
    page = app.test_client().get(f"/products/{slug}?lang=en")  # a visitor; the page is cached
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'class="photo-pending' in html and 'width="900" height="700"' in html
    assert f"/media/products/{key}" not in html  # nothing that does not exist yet
    assert client.get("/products?lang=en").status_code == 200
    # Checkout links each line's first photo that has variants: none here, and no error.
    client.post("/cart/add", data={"product_id": product_id})
    assert client.post("/checkout?lang=en", data=CHECKOUT_FORM).status_code == 303

    app.extensions["jobs"].make_variants()  # what the every-minute run enqueues
    assert run_jobs() == ["make_variants"]
    assert _widths(app) == ["320,800,900"]
    # Another visitor, same address and empty cart: the page cache's key differs only by the
    # catalog version, which recording the widths moved (a trigger on product_images).
    html = app.test_client().get(f"/products/{slug}?lang=en").get_data(as_text=True)
    assert "photo-pending" not in html
    assert f"/media/products/{key}-320.webp 320w" in html
    assert f"/media/products/{key}-900.jpg 900w" in html
    with client.get(f"/media/products/{key}-320.webp") as served:
        assert served.status_code == 200 and served.mimetype == "image/webp"
        with Image.open(io.BytesIO(served.get_data())) as variant:
            assert variant.size == (320, 249)
    assert client.get(f"/media/originals/{key}.jpg").status_code == 404  # the worker's input


def test_an_upload_queues_the_variants_and_the_dashboard_says_they_are_coming(
    app, client, login, session, run_jobs
):
    artisan = make_artisan(session)
    user = make_user(session, role="artisan", artisan_id=artisan.id, locale="fr")
    product = make_product(session, artisan=artisan, status="draft")
    session.commit()
    login(user)
    response = client.post(
        f"/dashboard/listings/{product.id}/photos?lang=fr",
        data={"photos": [(io.BytesIO(_jpeg((200, 40, 40))), "a.jpg")]},
    )
    assert response.status_code == 302
    assert _queued(app) == ["make_variants"]
    page = client.get(f"/dashboard/listings/{product.id}?lang=fr").get_data(as_text=True)
    assert "Photos ajoutées. Elles s&#39;afficheront d&#39;ici une minute environ" in page
    assert "En préparation" in page and "photo-pending" in page
    [key] = [path.stem for path in (Path(app.config["MEDIA_ROOT"]) / "originals").iterdir()]
    assert not (Path(app.config["MEDIA_ROOT"]) / "products").exists()

    assert run_jobs() == ["make_variants"]
    session.expire_all()  # requests here share the test's session; each has its own deployed
    page = client.get(f"/dashboard/listings/{product.id}?lang=fr").get_data(as_text=True)
    assert "En préparation" not in page and f"/media/products/{key}-320.webp" in page


def test_a_photo_whose_original_is_gone_is_logged_and_the_others_made(app, pending_piece, caplog):
    _slug, lost, product_id = pending_piece
    with app.app_context():
        other = store_image(_jpeg((10, 10, 200), (400, 300)), app.config["MEDIA_ROOT"])
        db.session.add(
            ProductImage(product_id=product_id, key=other.key, width=400, height=300, widths="")
        )
        db.session.commit()
    original_path(app.config["MEDIA_ROOT"], lost).unlink()
    with caplog.at_level(logging.ERROR, logger="storefront.jobs"):
        done = app.extensions["jobs"].make_variants.call_local()
    assert done == [other.key]
    assert _widths(app) == ["", "320,400"]
    assert f"variants of photo {lost} not made" in caplog.text


class TestQueueDown:
    """Redis unreachable: the upload still succeeds, and the minute's run makes the variants."""

    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "JOBS_STORAGE_URI": f"redis://127.0.0.1:{_closed_port()}/5"}

    def test_the_upload_succeeds_and_the_sweep_makes_them(
        self, app, client, login, session, caplog
    ):
        artisan = make_artisan(session)
        user = make_user(session, role="artisan", artisan_id=artisan.id)
        product_id = make_product(session, artisan=artisan, status="draft").id
        session.commit()
        login(user)
        with caplog.at_level(logging.WARNING, logger="storefront.jobs"):
            response = client.post(
                f"/dashboard/listings/{product_id}/photos",
                data={"photos": [(io.BytesIO(_jpeg((90, 90, 90))), "a.jpg")]},
            )
        assert response.status_code == 302
        assert "make_variants not enqueued" in caplog.text
        assert _widths(app) == [""]
        assert len(app.extensions["jobs"].make_variants.call_local()) == 1  # the minute's run
        assert _widths(app) == ["320,800,900"]
