"""The carriers staff keep: names and tracking address patterns, changed by managers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storefront.audit import record_audit
from storefront.errors import Conflict
from storefront.orders.models import Carrier

# The demo centre's carriers (storefront demo-data); managers change them at /admin/carriers.
DEMO_CARRIERS = (
    ("Amana", "https://www.amana.ma/suivi?code={number}"),
    ("Poste Maroc EMS", "https://www.poste.ma/suivi-envoi?numero={number}"),
    ("DHL Express", "https://www.dhl.com/ma-fr/home/suivi.html?tracking-id={number}"),
)


def active_carriers(session: Session) -> list[Carrier]:
    """The carriers offered when shipping, by name."""
    return list(
        session.scalars(select(Carrier).where(Carrier.active.is_(True)).order_by(Carrier.name))
    )


def all_carriers(session: Session) -> list[Carrier]:
    """Every carrier, offered or not, by name."""
    return list(session.scalars(select(Carrier).order_by(Carrier.name)))


def save_carrier(
    session: Session,
    carrier: Carrier | None,
    *,
    name: str,
    tracking_url: str,
    active: bool,
    user_id: int | None,
) -> Carrier:
    """Add (carrier None) or change a carrier; audited. Raises Conflict for a name in use.

    Names are unique whatever their case. A carrier is switched off rather than deleted, so
    orders shipped with it keep their tracking links.
    """
    name = " ".join(name.split())[:80]
    clash = session.scalar(
        select(Carrier.id).where(
            func.lower(Carrier.name) == name.lower(), Carrier.id != (carrier.id if carrier else 0)
        )
    )
    if clash is not None:
        raise Conflict(_l("A carrier already has this name."))
    before = None
    if carrier is None:
        carrier = Carrier(name=name)
        session.add(carrier)
    else:
        before = {
            "name": carrier.name,
            "tracking_url": carrier.tracking_url,
            "active": carrier.active,
        }
    carrier.name, carrier.tracking_url, carrier.active = name, tracking_url, active
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(_l("A carrier already has this name.")) from exc
    record_audit(
        session,
        "carrier.create" if before is None else "carrier.update",
        "carrier",
        carrier.id,
        user_id=user_id,
        before=before,
        after={"name": name, "tracking_url": tracking_url, "active": active},
    )
    return carrier


def seed_carriers(session: Session) -> list[Carrier]:
    """The demo carriers, added once (by demo-data)."""
    found = []
    for name, pattern in DEMO_CARRIERS:
        carrier = session.scalar(select(Carrier).where(Carrier.name == name))
        if carrier is None:
            carrier = Carrier(name=name, tracking_url=pattern, active=True)
            session.add(carrier)
        found.append(carrier)
    session.flush()
    return found
