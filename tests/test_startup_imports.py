"""Start-up stays light: building the app must not import what only some requests need.

jsonschema (with referencing and rpds) and the regex package are a good part of a fresh process's
start-up; fakenova loads them at the first validation or user regex. Counted in a child process, so
nothing this test session imported hides a regression. No timing is asserted."""

from __future__ import annotations

import json
import subprocess
import sys

_CHILD = """
import json, sys
from fakenova.app import create_app
create_app()
print(json.dumps(sorted(name for name in ("jsonschema", "referencing", "regex", "cryptography", "yaml")
                        if name in sys.modules)))
"""


def test_create_app_leaves_the_heavy_libraries_for_first_use():
    result = subprocess.run([sys.executable, "-c", _CHILD], capture_output=True, text=True, check=True, timeout=120)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
