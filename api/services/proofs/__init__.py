"""Consented property proofs for third parties and their clients."""
