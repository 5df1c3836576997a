"""Keystone: domains, projects, users, roles, tokens and the catalog. Imports only the shared modules."""
