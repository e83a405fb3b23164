"""Foshan Internet + real-estate registration backend."""
