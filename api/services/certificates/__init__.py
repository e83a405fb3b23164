"""E-sealed certificates of holdings: issuing, verifying, PDFs."""
