"""Checks shared by the server sub-resources (metadata, tags, interfaces): Nova's
``@check_instance_lock`` and ``@check_instance_state`` for calls that are not lifecycle transitions.

Checked against nova/compute/api.py and nova/api/openstack/common.py (Nova master, 2026).
"""

from __future__ import annotations

from fakenova.domain.compute import lifecycle
from fakenova.errors import Conflict

# vm_states metadata and tag writes accept (update_instance_metadata, ServerTagsController).
WRITABLE = (lifecycle.ACTIVE, lifecycle.PAUSED, lifecycle.SUSPENDED, lifecycle.STOPPED)
# vm_states interface attach/detach accept.
HOTPLUGGABLE = (lifecycle.ACTIVE, lifecycle.PAUSED, lifecycle.STOPPED)


def require_state(server: dict, action: str, vm_states: tuple, *, task_idle: bool = True,
                  must_have_launched: bool = True) -> None:
    """409 "Cannot '{action}' instance {uuid} while it is in {attr} {state}", in Nova's check order."""
    if server["vm_state"] not in vm_states:
        raise _invalid(action, server, "vm_state", server["vm_state"])
    if task_idle and server["task_state"] is not None:
        raise _invalid(action, server, "task_state", server["task_state"])
    if must_have_launched and not server.get("launched_at"):
        raise _invalid(action, server, "launched_at", None)


def _invalid(action: str, server: dict, attr: str, state) -> Conflict:
    return Conflict(f"Cannot '{action}' instance {server['id']} while it is in {attr} {state}")
