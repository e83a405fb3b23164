"""Jobs that follow a key rotation: re-encrypting personal data with the PII key
in use, rebuilding blind indexes with a new blind-index key. Both are driven by
the registry in ``columns.py``: a new encrypted or blind-indexed column is one
line there."""
