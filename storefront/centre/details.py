"""The crafts centre's own details: the sender on parcels and customs forms, hours and map."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

# Latin script, as the post reads it on labels and customs forms (CN22/CN23).
NAME = "Pôle intégré de l'artisanat de Guelmim"
ADDRESS_LINES = ("Zone d'activités artisanales", "81000 Guelmim", "MAROC")
COUNTRY = "MA"
PHONE = "+212 528 87 00 00"
# The showroom desk, where pickup orders wait (wall-clock hours, Africa/Casablanca).
HOURS = _l("Monday to Saturday, 9:00 to 19:00; closed on Sundays and public holidays.")
MAP_URL = "https://www.openstreetmap.org/?mlat=28.9870&mlon=-10.0574#map=17/28.9870/-10.0574"


@dataclass(frozen=True)
class Centre:
    """What mail and printed papers say about the centre."""

    name: str
    address_lines: tuple[str, ...]
    country: str
    phone: str
    hours: str
    map_url: str


def centre_details() -> Centre:
    """The centre's details, its opening hours in the current language."""
    return Centre(NAME, ADDRESS_LINES, COUNTRY, PHONE, str(HOURS), MAP_URL)
