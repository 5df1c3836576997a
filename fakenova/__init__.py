"""fakenova: a deterministic, in-memory fake of the OpenStack Compute (Nova) API."""

# Set before the imports below: modules they load read it (the control plane reports it).
__version__ = "0.1.0"

from fakenova.app import create_app  # noqa: E402
from fakenova.config import Settings  # noqa: E402
__all__ = ["create_app", "Settings", "__version__"]
