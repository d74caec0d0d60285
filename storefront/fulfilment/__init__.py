"""Online orders after payment: the desk, the pick list, the papers and the buyer's steps."""
