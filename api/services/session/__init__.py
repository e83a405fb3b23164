"""Logging in (face, SMS), sessions, consent, kiosks, citizens."""
