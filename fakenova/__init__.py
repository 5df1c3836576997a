"""fakenova: a deterministic, in-memory fake of the OpenStack Compute (Nova) API."""

from fakenova.app import create_app
from fakenova.config import Settings

__version__ = "0.1.0"
__all__ = ["create_app", "Settings", "__version__"]
