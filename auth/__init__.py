"""Authentication (ASGI layer) and authorisation (permission classes) of the API."""
