"""Routes of the fulfilment desk: online orders, papers (under /staff) and carriers (/admin)."""

from . import carriers, orders, prints  # noqa: F401  (routes on bp)
from .common import bp

__all__ = ["bp"]
