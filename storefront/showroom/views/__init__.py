"""Routes of the showroom area (/staff): drawer, point of sale, receipts, labels, reports."""

from . import drawer, labels, pos, receipts, reconciliation  # noqa: F401  (routes on bp)
from .common import bp

__all__ = ["bp"]
