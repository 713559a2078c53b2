"""Shared domain code of the portal access service, shipped as the common Lambda layer."""
