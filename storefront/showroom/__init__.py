"""Showroom domain."""
