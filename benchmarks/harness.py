"""Timing helpers and the result table shared by every benchmark group.

Every figure is the median of several repetitions of a batch, and every timing names a baseline
measured in the same run, so a row reads as "x times the cost of the simplest comparable thing" and
holds up on a noisy machine.
"""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Config:
    repeats: int = 5           # repetitions of each batch; the median is reported
    quick: bool = False
    sizes: tuple = (1_000, 10_000, 100_000)   # store sizes for the scale group
    requests_per_batch: int = 200             # sequential HTTP requests per repetition
    requests_per_thread: int = 100            # per client thread in the concurrency runs
    e2e_batch: int = 10                       # SDK create+delete cycles per repetition
    memory_servers: int = 2_000               # servers created through the domain under tracemalloc
    long_run: tuple = (20_000, 5_000)         # logins, create/delete cycles of the memory group

    @classmethod
    def make(cls, quick: bool) -> "Config":
        if quick:
            return cls(repeats=3, quick=True, sizes=(1_000, 10_000), requests_per_batch=50,
                       requests_per_thread=25, e2e_batch=3, memory_servers=500, long_run=(2_000, 500))
        return cls()


@dataclass
class Row:
    group: str
    name: str
    value: float | None          # seconds for timings, or the figure in ``unit``
    unit: str = "s"              # "s" (shown in ms/µs), "req/s", "KB", "MB", "%", "count"
    baseline: str | None = None  # the name of the row this one is compared with
    target: str = ""             # e.g. "< 100 ms", shown as written
    met: bool | None = None      # None: no target, or not measured
    note: str = ""


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        return row

    def find(self, group: str, name: str) -> Row | None:
        return next((r for r in self.rows if r.group == group and r.name == name), None)

    def ratio(self, row: Row) -> float | None:
        if row.baseline is None or row.value is None:
            return None
        base = self.find(row.group, row.baseline)
        if base is None or not base.value:
            return None
        if row.unit == "req/s":
            return row.value / base.value   # higher is better: the share of the baseline's rate
        return row.value / base.value        # lower is better: how many baselines this costs


def median_seconds(operation, *, number: int, repeats: int, setup=None, clock=time.perf_counter) -> float:
    """Median over ``repeats`` of the mean time of ``number`` calls; ``setup`` runs untimed before
    each repetition. ``clock=time.thread_time`` counts this thread's CPU time only: for work done
    in this thread (in-process requests), it leaves out the time other processes on a busy machine
    took the CPU away."""
    samples = []
    for _ in range(repeats):
        if setup is not None:
            setup()
        gc.collect()
        start = clock()
        for _ in range(number):
            operation()
        samples.append((clock() - start) / number)
    return statistics.median(samples)


def median_of(samples) -> float:
    return statistics.median(samples)


# --- the table -----------------------------------------------------------------------------------

def format_value(row: Row) -> str:
    if row.value is None:
        return "skipped"
    if row.unit == "s":
        seconds = row.value
        if seconds >= 1:
            return f"{seconds:.2f} s"
        if seconds >= 1e-3:
            return f"{seconds * 1e3:.2f} ms"
        return f"{seconds * 1e6:.1f} µs"
    if row.unit == "req/s":
        return f"{row.value:,.0f} req/s"
    if row.unit in ("KB", "MB"):
        return f"{row.value:.2f} {row.unit}"
    if row.unit == "%":
        return f"{row.value:.1f} %"
    return f"{row.value:,.0f} {row.unit}"


def format_ratio(report: Report, row: Row) -> str:
    ratio = report.ratio(row)
    if ratio is None:
        return "baseline" if any(r.baseline == row.name and r.group == row.group for r in report.rows) else ""
    return f"{ratio:.2f}×"


def render(report: Report) -> str:
    header = ("group", "benchmark", "median", "vs baseline", "target", "met")
    lines = []
    for row in report.rows:
        met = "" if row.met is None else ("yes" if row.met else "NO")
        lines.append((row.group, row.name, format_value(row), format_ratio(report, row), row.target, met))
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *lines)]

    def fmt(cells):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"

    out = [fmt(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out.extend(fmt(cells) for cells in lines)
    row_notes = [f"- {r.group} / {r.name}: {r.note}" for r in report.rows if r.note]
    if row_notes or report.notes:
        out.append("")
        out.extend(row_notes)
        out.extend(f"- {note}" for note in report.notes)
    return "\n".join(out)
