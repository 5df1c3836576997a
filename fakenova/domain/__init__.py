"""Pure-Python rules of the fake: no Flask here. Reads time only through the backend's clock."""
