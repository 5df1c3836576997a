"""A load generator run in its own process, so client threads do not share the server's GIL.

``python -m benchmarks.load URL THREADS REQUESTS_PER_THREAD REPEATS [TOKEN]`` prints
``{"rps": [one figure per repetition]}``. Each thread has its own keep-alive ``requests.Session``.
"""

from __future__ import annotations

import json
import sys
import threading
import time

import requests


def _worker(session: requests.Session, url: str, headers: dict, count: int, start: threading.Barrier,
            failures: list) -> None:
    start.wait()
    for _ in range(count):
        response = session.get(url, headers=headers)
        if response.status_code != 200:
            failures.append(response.status_code)


def measure(url: str, threads: int, per_thread: int, headers: dict) -> float:
    sessions = [requests.Session() for _ in range(threads)]
    for session in sessions:  # open each keep-alive connection before the clock starts
        session.get(url, headers=headers).raise_for_status()
    barrier = threading.Barrier(threads + 1)
    failures: list = []
    workers = [threading.Thread(target=_worker, args=(s, url, headers, per_thread, barrier, failures))
               for s in sessions]
    for worker in workers:
        worker.start()
    barrier.wait()
    began = time.perf_counter()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    for session in sessions:
        session.close()
    if failures:
        raise SystemExit(f"{len(failures)} requests failed, e.g. status {failures[0]}")
    return threads * per_thread / elapsed


def main(argv: list[str]) -> None:
    url, threads, per_thread, repeats = argv[0], int(argv[1]), int(argv[2]), int(argv[3])
    headers = {"OpenStack-API-Version": "compute latest"}
    if len(argv) > 4:
        headers["X-Auth-Token"] = argv[4]
    print(json.dumps({"rps": [measure(url, threads, per_thread, headers) for _ in range(repeats)]}))


if __name__ == "__main__":
    main(sys.argv[1:])
