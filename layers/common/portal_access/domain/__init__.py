"""Use cases. No HTTP here: they take models, call the tables and raise `portal_access.domain.errors`."""
