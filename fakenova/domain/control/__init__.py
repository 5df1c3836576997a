"""The control plane behind /_fake: fault rules, the request journal, state export/import, forced
status. May import compute; compute reaches fault rules only through ``backend.faults``."""
