"""My properties: what the register holds for a citizen."""
