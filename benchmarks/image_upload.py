"""Memory when a test uploads large images: Glance's data streams through the hashes, and only
``settings.image_data_memory`` bytes of it (default 64 MiB across all images) stay in memory.

Uploads go through the WSGI app in process (Flask's test client streaming a generated body, 1 MiB at
a time), under tracemalloc: the figures are what fakenova holds, not the client's buffers.
"""

from __future__ import annotations

import gc
import os
import tracemalloc

from benchmarks.harness import Config, Report, Row
from fakenova.app import create_app
from fakenova.backend import Backend
from fakenova.config import Settings

GROUP = "image"
IMAGE_SIZE = 20 * 1024 * 1024
MiB = 1024 * 1024


class _Body:
    """A readable, seekable body of ``size`` bytes that exists only one chunk at a time."""

    def __init__(self, size: int, block: bytes):
        self._size, self._at, self._block = size, 0, block

    def tell(self) -> int:
        return self._at

    def seek(self, offset: int, whence: int = 0) -> int:
        self._at = offset if whence == 0 else self._size + offset if whence == 2 else self._at + offset
        return self._at

    def read(self, size: int = -1) -> bytes:
        left = self._size - self._at
        size = left if size is None or size < 0 else min(size, left)
        chunk = (self._block * (size // len(self._block) + 1))[:size]
        self._at += len(chunk)
        return chunk


def _upload_many(count: int) -> tuple[float, float, int]:
    """(KB held after, KB peak, images whose data was kept) for ``count`` uploads of 20 MB."""
    backend = Backend(Settings())
    client = create_app(backend=backend).test_client()
    token = client.post("/identity/v3/auth/tokens", json={"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": "demo", "domain": {"name": "Default"}, "password": "demo"}}},
        "scope": {"project": {"name": "demo", "domain": {"name": "Default"}}}}}).headers["X-Subject-Token"]
    headers = {"X-Auth-Token": token}
    block = os.urandom(MiB)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for index in range(count):
            image = client.post("/image/v2/images", headers=headers, json={
                "name": f"big-{index}", "disk_format": "raw", "container_format": "bare"}).get_json()
            response = client.put(f"/image/v2/images/{image['id']}/file", input_stream=_Body(IMAGE_SIZE, block),
                                  headers=dict(headers, **{"Content-Type": "application/octet-stream",
                                                           "Content-Length": str(IMAGE_SIZE)}))
            assert response.status_code == 204, response.get_data(as_text=True)
        gc.collect()
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return (after - before) / 1024, (peak - before) / 1024, len(backend.store.image_data)


def run(config: Config, report: Report) -> None:
    count = 20 if config.quick else 100
    budget_kb = Settings().image_data_memory / 1024
    held, peak, kept = _upload_many(count)
    report.add(Row(GROUP, f"memory held after uploading {count} × 20 MB images (default settings)", held,
                   unit="KB", target=f"≤ image_data_memory ({budget_kb / 1024:.0f} MiB) + 1 MiB",
                   met=held <= budget_kb + 1024, note=f"data of {kept} images kept; the rest size + hashes"))
    report.add(Row(GROUP, "… peak while uploading", peak, unit="KB"))
