"""Pydantic models: what the API accepts and returns. Table item shapes live in `dal`."""
