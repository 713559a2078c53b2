"""Outgoing email: the `EmailSender` interface, its SES implementation, template rendering."""
