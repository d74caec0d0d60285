"""Artisans domain."""
