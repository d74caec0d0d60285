"""A fake Stripe API server for the test suite (see server.py)."""
