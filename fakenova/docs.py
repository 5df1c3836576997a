"""Documents generated from the code itself, so code, docs and tests share one source of truth.

``python -m fakenova.docs state-diagram > docs/state-diagram.md`` writes the server state machine
as a Mermaid ``stateDiagram-v2``, drawn from ``lifecycle.TRANSITIONS``.

Each row is run on a scratch record from every vm_state it allows, with the engine's own ``_apply``
(so markers such as "previous vm_state" resolve exactly as they do at run time): an edge goes from the
status the server had to the status the row sets at once (labelled with the row's name), and from
there to the status its last step leaves. A row's automatic follow-up (``then``) is an edge labelled
with the follow-up's name. Rows allowed from any state that only set a task_state (delete,
forceDelete, soft_delete) are a note on the status they lead to instead of a dozen edges each; rows
that change no state at all (injectNetworkInfo, resetState, whose target comes from the body) are
left out.
"""

from __future__ import annotations

import sys
from collections import defaultdict

from fakenova.domain.compute import lifecycle

HEADER = """# Server state diagram

Generated from `fakenova.domain.compute.lifecycle.TRANSITIONS` by `python -m fakenova.docs state-diagram`;
`tests/test_actions_basic.py` fails when this file and the table disagree. States are the API
statuses; an edge's label is the transition's name in the table. An unlabelled edge is the
transition finishing on the fake clock (its duration comes from `settings.durations`). A failed
transition ends in ERROR with a fault (not drawn).

"""


def _run(transition, vm_state: str, old_vm_state: str) -> tuple[str, str, str]:
    """(status before, status at once, status at the end) for the row started from vm_state."""
    record = {"id": "", "vm_state": vm_state, "task_state": None, "old_vm_state": old_vm_state}
    before = lifecycle.status(record)
    context = {"previous": vm_state}
    lifecycle._apply(record, transition.start, 0.0, context)
    at_once = lifecycle.status(record)
    for step in transition.steps:
        lifecycle._apply(record, step[1], 0.0, context)
    if record.get("deleted"):
        return before, at_once, "DELETED"
    return before, at_once, lifecycle.status(record)


def _changes_state(transition) -> bool:
    changes = [transition.start] + [step[1] for step in transition.steps]
    return any("vm_state" in c or "task_state" in c for c in changes)


def _follow_ups(transition, vm_state: str) -> tuple[str, str] | None:
    """(label, end status) of the automatic follow-up chain after ``transition`` ended in vm_state."""
    name, status = transition.then, None
    first = name
    while name:
        follow_up = lifecycle.TRANSITIONS[name]
        _, _, status = _run(follow_up, vm_state, lifecycle.ACTIVE)
        name = follow_up.then if status == lifecycle.status_from_state(vm_state, None) else None
    return (first, status) if first else None


def _end_vm_state(transition, vm_state: str) -> str:
    record = {"vm_state": vm_state, "task_state": None}
    for changes in [transition.start] + [step[1] for step in transition.steps]:
        lifecycle._apply(record, changes, 0.0, {"previous": vm_state})
    return record["vm_state"]


def edges() -> tuple[dict[tuple[str, str], set[str]], dict[str, list[str]]]:
    """({(from, to): {labels}}, {status: [rows that lead there from any status]})."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    from_anywhere: dict[str, list[str]] = defaultdict(list)
    for name, transition in lifecycle.TRANSITIONS.items():
        if not _changes_state(transition):
            continue
        if transition.vm_states is lifecycle.ANY:
            if "vm_state" in transition.start:  # a new server: build
                _, at_once, end = _run(transition, lifecycle.BUILDING, lifecycle.ACTIVE)
                found[("[*]", at_once)].add(name)
                found[(at_once, end)]
            else:
                from_anywhere[_run(transition, lifecycle.ACTIVE, lifecycle.ACTIVE)[2]].append(name)
            continue
        for vm_state in transition.vm_states:
            for old_vm_state in (lifecycle.ACTIVE, lifecycle.STOPPED):
                before, at_once, end = _run(transition, vm_state, old_vm_state)
                if at_once != before:
                    found[(before, at_once)].add(name)
                    if end != at_once:
                        found[(at_once, end)]
                elif end != before:
                    found[(before, end)].add(name)
                follow_up = _follow_ups(transition, _end_vm_state(transition, vm_state))
                if follow_up and follow_up[1] != end:
                    found[(end, follow_up[1])].add(follow_up[0])
    return found, from_anywhere


def mermaid() -> str:
    found, from_anywhere = edges()
    lines = ["stateDiagram-v2"]
    lines += [f"    {status}" for status in lifecycle.STATUSES]
    for (source, target), labels in sorted(found.items()):
        label = ", ".join(sorted(labels))
        lines.append(f"    {source} --> {target}" + (f": {label}" if label else ""))
    lines.append("    DELETED --> [*]")
    for status, names in sorted(from_anywhere.items()):
        lines += [f"    note right of {status}", f"        from any status: {', '.join(sorted(names))}",
                  "    end note"]
    return "\n".join(lines) + "\n"


def markdown() -> str:
    return HEADER + "```mermaid\n" + mermaid() + "```\n"


GENERATORS = {"state-diagram": markdown}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in GENERATORS:
        print(f"usage: python -m fakenova.docs {{{','.join(sorted(GENERATORS))}}}", file=sys.stderr)
        return 2
    sys.stdout.write(GENERATORS[argv[0]]())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
