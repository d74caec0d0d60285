"""Deterministic demo data: the 100 shops, their artisans and a catalog of pieces."""

from .loader import load_demo

__all__ = ["load_demo"]
