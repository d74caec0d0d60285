"""Flat shipping rates by weight for Morocco, Europe and the rest of the world."""

from __future__ import annotations

from babel import Locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storefront.audit import record_audit
from storefront.errors import DomainError

from .models import ShippingRate, ShippingZone

EUROPE = frozenset(
    "AD AL AT BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GI GR HR HU IE IS IT LI LT LU LV MC "
    "MD ME MK MT NL NO PL PT RO RS SE SI SK SM UA VA XK".split()
)
# Used for a zone until staff set its rates: (up to grams, price in minor units).
DEFAULT_RATES: dict[str, list[tuple[int, int]]] = {
    ShippingZone.MOROCCO: [(1000, 4000), (5000, 7000), (30000, 15000)],
    ShippingZone.EUROPE: [(1000, 25000), (5000, 45000), (30000, 95000)],
    ShippingZone.WORLD: [(1000, 35000), (5000, 65000), (30000, 130000)],
}

ZONE_LABELS = {
    ShippingZone.MOROCCO: _l("Morocco"),
    ShippingZone.EUROPE: _l("Europe"),
    ShippingZone.WORLD: _l("Rest of the world"),
}


def zone_label(zone: str) -> str:
    """The translated name of a shipping zone."""
    return str(ZONE_LABELS.get(zone, zone))


def zone_for(country: str) -> ShippingZone:
    """The shipping zone of an ISO 3166 alpha-2 country code."""
    code = (country or "").upper()
    if code == "MA":
        return ShippingZone.MOROCCO
    return ShippingZone.EUROPE if code in EUROPE else ShippingZone.WORLD


def rates_for(session: Session, zone: str) -> list[tuple[int, int]]:
    """A zone's (max grams, price) steps, lightest first: staff's rates, else the defaults."""
    rows = session.execute(
        select(ShippingRate.max_weight_grams, ShippingRate.price_minor)
        .where(ShippingRate.zone == zone)
        .order_by(ShippingRate.max_weight_grams)
    ).all()
    return [tuple(row) for row in rows] or list(DEFAULT_RATES[zone])


def quote_shipping(session: Session, country: str, weight_grams: int) -> int:
    """The flat price to ship a parcel to a country (ISO alpha-2).

    Raises DomainError without a country (an unknown destination is never priced as the rest of
    the world) and when the parcel is heavier than any step.
    """
    if not (country or "").strip():
        raise DomainError(_("Please choose the country to ship to."))
    for max_grams, price in rates_for(session, zone_for(country)):
        if weight_grams <= max_grams:
            return price
    raise DomainError(
        _("This parcel is too heavy to ship from the shop; please choose pickup at the showroom.")
    )


def set_rates(
    session: Session, zone: str, steps: list[tuple[int, int]], *, user_id: int | None
) -> list[ShippingRate]:
    """Replace a zone's rates (audited); raises DomainError for duplicate or invalid steps."""
    if zone not in DEFAULT_RATES:
        raise DomainError(_("Unknown shipping zone."))
    weights = [w for w, _p in steps]
    if len(set(weights)) != len(weights) or any(w <= 0 or p < 0 for w, p in steps):
        raise DomainError(_("Each weight must be positive and appear once; prices not negative."))
    session.execute(delete(ShippingRate).where(ShippingRate.zone == zone))
    rows = [ShippingRate(zone=zone, max_weight_grams=w, price_minor=p) for w, p in sorted(steps)]
    session.add_all(rows)
    record_audit(
        session,
        "shipping.rates_set",
        "shipping_zone",
        None,
        user_id=user_id,
        zone=zone,
        steps=sorted(steps),
    )
    session.flush()
    return rows


# CLDR's two-letter territories that no address is in: groupings (EU, EZ, UN, QO), pseudo
# and unknown regions (XA, XB, ZZ), and codes ISO 3166-1 only reserves for parts of a country
# (AC Ascension, CP Clipperton, DG Diego Garcia, EA Ceuta and Melilla, IC Canaries, TA Tristan).
NOT_COUNTRIES = frozenset(
    {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AC", "CP", "DG", "EA", "IC", "TA"}
)


def countries(lang: str) -> list[tuple[str, str]]:
    """(code, name) of every country in the buyer's language, Morocco first, then by name.

    Codes are ISO 3166-1 alpha-2 (and XK, Kosovo, which Stripe and carriers take); the names
    are CLDR's, through Babel.
    """
    names = Locale.parse(lang).territories
    listed = sorted(
        (
            (code, name)
            for code, name in names.items()
            if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES and code != "MA"
        ),
        key=lambda item: item[1],
    )
    return [("MA", names["MA"]), *listed]
