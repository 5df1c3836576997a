"""Cinder: volumes, their status and attachments as Cinder records them. Imports only the shared modules."""
