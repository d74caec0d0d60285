"""Outgoing email: an outbox table filled inside business transactions, and its sender."""
