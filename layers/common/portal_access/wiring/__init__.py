"""Composition roots: one per function family, each building that family's object graph from
its config (portal_access.config) at a cold start. Handlers import their family's builder; no
other module of the layer imports this package."""
