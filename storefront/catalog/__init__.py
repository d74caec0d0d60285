"""Catalog domain."""
