"""The checkout's fixtures (two artisans' pieces, the cart, a valid form), for the desk's tests."""

from tests.checkout.conftest import checkout_form, fill_cart, pieces  # noqa: F401
