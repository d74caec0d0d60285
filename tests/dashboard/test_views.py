"""The artisan's workshop and the staff review, over HTTP."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from storefront.audit import AuditLog
from storefront.catalog.models import ListingEdit, Product
from storefront.orders.models import Channel, OrderStatus
from storefront.orders.services import create_order
from tests.factories import make_artisan, make_craft, make_product, make_user


def _jpeg(colour=(200, 40, 40), gps=False) -> bytes:
    image = Image.new("RGB", (900, 700), colour)
    exif = Image.Exif()
    if gps:
        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[1], gps_ifd[2] = "N", (28.0, 59.0, 12.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _png_bomb(side: int = 20_000) -> bytes:
    """A PNG claiming side x side pixels: past Image.MAX_IMAGE_PIXELS (89 M) at 10,000, and
    past twice it, where Pillow refuses to open it at all, at 20,000."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 40_000))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def workshop(session, login):
    craft = make_craft(session, slug="pottery", kind="productive")
    artisan = make_artisan(session, craft=craft, name="Fatima Ait Lahcen")
    user = make_user(session, role="artisan", artisan_id=artisan.id, locale="ar")
    staff = make_user(session, role="staff")
    session.commit()
    login(user)
    return {"artisan": artisan, "user": user, "staff": staff, "craft": craft}


LISTING = {
    "title_ar": "طاجين أخضر",
    "title_fr": "Tajine vert",
    "description_fr": "Émaillé à la main.",
    "price": "320",
    "stock": "1",
    "weight_grams": "2500",
}


def _create(client, workshop) -> Product:
    response = client.post(
        "/dashboard/listings/new", data={**LISTING, "craft_id": workshop["craft"].id}
    )
    assert response.status_code == 302
    from storefront.extensions import db

    return db.session.scalars(select(Product).order_by(Product.id.desc())).first()


def test_create_listing_with_photos_and_submit(client, session, workshop, app, run_jobs):
    product = _create(client, workshop)
    shop = workshop["artisan"].shop.number
    assert (product.status, product.price_minor) == ("draft", 32000)
    assert product.sku == f"GLM-{shop:03d}-{product.id:05d}"
    early = client.post(f"/dashboard/listings/{product.id}/submit?lang=en")
    assert early.status_code == 422
    assert "Add at least one photo" in early.get_data(as_text=True)
    files = {
        "photos": [(io.BytesIO(_jpeg()), "a.jpg"), (io.BytesIO(_jpeg((30, 30, 200))), "b.jpg")]
    }
    assert client.post(f"/dashboard/listings/{product.id}/photos", data=files).status_code == 302
    session.refresh(product)
    assert [(i.width, i.height, i.widths) for i in product.images] == [(900, 700, "")] * 2
    assert run_jobs() == ["make_variants"]  # the worker makes the sizes
    session.expire_all()
    assert [i.widths for i in product.images] == ["320,800,900"] * 2
    assert client.post(f"/dashboard/listings/{product.id}/submit").status_code == 302
    session.refresh(product)
    assert product.status == "pending_review"
    assert client.get(f"/products/{product.slug}").status_code == 404


def test_gps_is_gone_from_uploaded_photos(client, session, workshop, app, run_jobs):
    product = _create(client, workshop)
    client.post(
        f"/dashboard/listings/{product.id}/photos",
        data={"photos": [(io.BytesIO(_jpeg(gps=True)), "gps.jpg")]},
    )
    run_jobs()
    session.refresh(product)
    key = product.images[0].key
    with Image.open(f"{app.config['MEDIA_ROOT']}/products/{key}-800.jpg") as stored:
        assert not stored.getexif().get_ifd(0x8825)
        assert "exif" not in stored.info


@pytest.mark.parametrize(
    ("payload", "name", "message"),
    [
        (b"#!/bin/sh\necho pwned\n", "photo.jpg", "This file is not a photo we can read."),
        (b"", "empty.jpg", "The file is empty."),
        (_png_bomb(), "bomb.png", "The picture has too many pixels."),
        (_png_bomb(10_000), "bomb.png", "The picture has too many pixels."),
    ],
)
def test_bad_uploads_are_refused_and_nothing_changes(
    client, session, workshop, payload, name, message
):
    product = _create(client, workshop)
    good = (io.BytesIO(_jpeg()), "good.jpg")
    response = client.post(
        f"/dashboard/listings/{product.id}/photos?lang=en",
        data={"photos": [good, (io.BytesIO(payload), name)]},
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    session.refresh(product)
    assert product.images == []


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG header of this size over pixel data that cannot be decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"broken")
        + chunk(b"IEND", b"")
    )


def test_too_many_pixels_in_one_upload_is_refused_before_decoding(
    client, session, workshop, app, run_jobs
):
    product = _create(client, workshop)
    app.config["UPLOAD_PIXEL_BUDGET"] = 20_000_000
    photos = [(io.BytesIO(_jpeg()), "a.jpg")] + [
        (io.BytesIO(_png_claiming(4000, 3000)), f"{n}.png") for n in range(2)
    ]
    response = client.post(
        f"/dashboard/listings/{product.id}/photos?lang=fr", data={"photos": photos}
    )
    assert response.status_code == 413
    assert (
        "Ces photos ont 24,6 millions de pixels à elles toutes ; un envoi peut en avoir "
        "20 millions au plus."
    ) in response.get_data(as_text=True)
    session.refresh(product)
    assert product.images == []
    assert run_jobs() == []
    assert not list(Path(app.config["MEDIA_ROOT"]).rglob("*.jpg"))  # nothing decoded or kept


def test_bad_price_keeps_what_was_typed(client, workshop):
    response = client.post(
        "/dashboard/listings/new?lang=en",
        data={**LISTING, "price": "abc", "craft_id": workshop["craft"].id},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Write the price in dirhams" in html
    assert "Tajine vert" in html


def test_staff_approve_puts_it_live_and_audits(client, session, workshop, login):
    product = make_product(
        session,
        artisan=workshop["artisan"],
        status="pending_review",
        slug="bowl",
        title_en="Bowl",
    )
    session.commit()
    login(workshop["staff"])
    assert "Bowl" in client.get("/admin/listings?lang=en").get_data(as_text=True)
    assert client.post(f"/admin/listings/{product.id}/approve").status_code == 302
    session.refresh(product)
    assert product.status == "active"
    assert client.get("/products/bowl").status_code == 200
    actions = session.scalars(select(AuditLog.action)).all()
    assert "listing.approve" in actions


def test_reject_needs_a_reason_the_artisan_sees(client, session, workshop, login):
    product = make_product(session, artisan=workshop["artisan"], status="pending_review")
    session.commit()
    login(workshop["staff"])
    assert (
        client.post(f"/admin/listings/{product.id}/reject", data={"reason": ""}).status_code == 422
    )
    client.post(f"/admin/listings/{product.id}/reject", data={"reason": "Photo too dark"})
    login(workshop["user"])
    html = client.get("/dashboard/?lang=en").get_data(as_text=True)
    assert "Not accepted: Photo too dark" in html


def test_text_edits_to_live_listing_wait_but_price_applies(client, session, workshop, login):
    product = make_product(
        session,
        artisan=workshop["artisan"],
        craft=workshop["craft"],
        slug="jar",
        title_fr="Jarre",
        title_en="Jar",
        price_minor=10000,
    )
    session.commit()
    data = {
        "title_fr": "Jarre bleue",
        "title_en": "Jar",
        "price": "150",
        "stock": "1",
        "weight_grams": "500",
        "craft_id": workshop["craft"].id,
    }
    assert client.post(f"/dashboard/listings/{product.id}", data=data).status_code == 302
    session.refresh(product)
    assert (product.title_fr, product.price_minor) == ("Jarre", 15000)
    edit = session.scalar(select(ListingEdit))
    assert edit.status == "pending"
    login(workshop["staff"])
    client.post(f"/admin/listings/{product.id}/approve")
    session.refresh(product)
    assert product.title_fr == "Jarre bleue"


def test_sales_page_and_csv_show_both_channels(client, session, workshop, app):
    piece = make_product(session, artisan=workshop["artisan"], stock=3, price_minor=20000)
    session.commit()
    create_order(
        session,
        channel=Channel.SHOWROOM,
        lines=[(piece.id, 1)],
        status=OrderStatus.PAID,
        payment_method="cash",
    )
    order = create_order(
        session, channel=Channel.ONLINE, lines=[(piece.id, 1)], customer_email="t@example.com"
    )
    from storefront.orders.services import mark_paid

    mark_paid(session, order, payment_method="test", payment_reference="t1")
    session.commit()
    html = client.get("/dashboard/sales?lang=en").get_data(as_text=True)
    assert "Online" in html and "Showroom" in html
    assert "360.00" in html  # two sales of 200.00 less 10 % commission each
    csv = client.get("/dashboard/sales.csv").get_data(as_text=True).splitlines()
    assert csv[0].startswith("\ufeffdate,order,channel")  # a BOM, so spreadsheets read Arabic
    assert len(csv) == 3 and all(row.endswith(",180.00") for row in csv[1:])
    assert (
        client.get("/dashboard/sales?month=1999-01&lang=en")
        .get_data(as_text=True)
        .count("No sale yet")
        == 1
    )


def test_a_sale_is_visible_to_its_maker_only(client, session, workshop, login):
    other = make_artisan(session)
    other_user = make_user(session, role="artisan", artisan_id=other.id)
    piece = make_product(session, artisan=workshop["artisan"], price_minor=10000)
    session.commit()
    order = create_order(
        session,
        channel=Channel.SHOWROOM,
        lines=[(piece.id, 1)],
        status=OrderStatus.PAID,
        payment_method="cash",
    )
    session.commit()
    line_id = order.lines[0].id
    html = client.get(f"/dashboard/sales/{line_id}?lang=en").get_data(as_text=True)
    assert order.number in html and "90.00" in html
    login(other_user)
    assert client.get(f"/dashboard/sales/{line_id}").status_code == 404


def test_photo_description_and_order_are_checked(client, session, workshop):
    product = _create(client, workshop)
    files = {"photos": [(io.BytesIO(_jpeg()), "a.jpg"), (io.BytesIO(_jpeg((9, 9, 9))), "b.jpg")]}
    client.post(f"/dashboard/listings/{product.id}/photos", data=files)
    session.refresh(product)
    first, second = product.images
    long = client.post(f"/dashboard/photos/{first.id}/alt?lang=en", data={"alt": "x" * 201})
    assert long.status_code == 422 and "At most 200 characters." in long.get_data(as_text=True)
    kept = client.post(f"/dashboard/photos/{first.id}/alt", data={"alt": "  Tajine vert  "})
    assert kept.status_code == 302
    odd = client.post(f"/dashboard/photos/{second.id}/move?lang=en", data={"step": "sideways"})
    assert odd.status_code == 422
    assert "Choose to move the photo earlier or later." in odd.get_data(as_text=True)
    assert (
        client.post(f"/dashboard/photos/{second.id}/move", data={"step": "up"}).status_code == 302
    )
    session.expire_all()
    assert [image.id for image in product.images] == [second.id, first.id]
    assert first.alt == "Tajine vert"


@pytest.mark.parametrize(("lang", "name"), [("en", "Craft"), ("fr", "Artisanat"), ("ar", "حرفة")])
def test_the_craft_list_is_in_the_pages_language(client, workshop, lang, name):
    """The artisan reads Arabic by default, but the page in English lists English crafts."""
    page = client.get(f"/dashboard/listings/new?lang={lang}").get_data(as_text=True)
    craft = workshop["craft"]
    number = craft.name_en.split()[-1]
    assert f'value="{craft.id}">{name} {number}</option>' in page
