"""``python -m benchmarks [--quick] [--only GROUP ...] [--json FILE]``: run the groups, print one table.

``--quick`` (or FAKENOVA_BENCH_QUICK=1) runs fewer repetitions, stops the scale group at 10,000
servers and runs a tenth of the memory group's load. Loopback only, bounded loops only; nothing here
asserts on time.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import platform
import sys
import time

from benchmarks import end_to_end, image_upload, in_process, memory, requests_group, scale, startup, wire
from benchmarks.harness import Config, Report, render

GROUPS = {"startup": startup, "in-process": in_process, "request": requests_group, "wire": wire, "e2e": end_to_end,
          "scale": scale, "memory": memory, "image": image_upload}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu)
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()} ({sys.platform})"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", default=os.environ.get("FAKENOVA_BENCH_QUICK") == "1",
                        help="fewer repetitions, scale up to 10,000 servers")
    parser.add_argument("--only", nargs="+", choices=sorted(GROUPS), help="run only these groups")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    args = parser.parse_args(argv)

    # The per-request log line would time the logging handler, not fakenova.
    logging.getLogger("fakenova").setLevel(logging.WARNING)
    config = Config.make(args.quick)
    report = Report()
    started = time.perf_counter()
    for name, module in GROUPS.items():
        if args.only and name not in args.only:
            continue
        group_started = time.perf_counter()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        module.run(config, report)
        print(f"  {name}: {time.perf_counter() - group_started:.1f} s", file=sys.stderr, flush=True)

    print(f"fakenova benchmarks on {machine()}; median of {config.repeats} repetitions"
          f"{' (quick)' if config.quick else ''}; {time.perf_counter() - started:.0f} s in all\n")
    print(render(report))
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"machine": machine(), "config": dataclasses.asdict(config),
                       "rows": [dict(dataclasses.asdict(row), ratio=report.ratio(row)) for row in report.rows]},
                      out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
