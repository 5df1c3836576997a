"""Glance: image records, their properties and data. Imports only the shared modules."""
