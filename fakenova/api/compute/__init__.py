"""Nova at /compute. Importing the handler modules registers their routes on the blueprint."""

from fakenova.api.compute import versions  # noqa: F401
from fakenova.api.compute.blueprint import bp, prepare_request

__all__ = ["bp", "prepare_request"]
