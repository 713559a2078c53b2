"""Helpers every test tier shares: events from events/, handler loading, a Lambda context."""
