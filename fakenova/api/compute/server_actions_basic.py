"""Server actions: reboot, power, pause/suspend, rescue, shelve, lock, admin, password, console output,
security groups. Each handler unpacks its (already validated) body and calls one domain function."""

from __future__ import annotations

from flask import jsonify

from fakenova.api.common import backend, context
from fakenova.api.compute.blueprint import version
from fakenova.api.compute.server_actions import action, not_recorded
from fakenova.domain.compute import basic_actions as actions
from fakenova.microversion import between

NO_CONTENT = ("", 202)
LOCK_REASON = between("2.73")
UNSHELVE_AZ = between("2.77")
UNSHELVE_HOST = between("2.91")
BFV_RESCUE = between("2.87")


def _simple(name: str, row: str, rule: str, *, mapped: bool = False, api_action: str | None = None,
            versions=None) -> None:
    """Register an action whose body carries nothing and whose work is one table row."""

    @action(name, versions=versions)
    def handler(server_id: str, _value):
        actions.transition(backend(), context(), server_id, row, rule=rule, api_action=api_action or row,
                           mapped=mapped)
        return NO_CONTENT


_simple("os-stop", "stop", "os_compute_api:servers:stop", mapped=True)
_simple("os-start", "start", "os_compute_api:servers:start", mapped=True)
_simple("pause", "pause", "os_compute_api:os-pause-server:pause")
_simple("unpause", "unpause", "os_compute_api:os-pause-server:unpause")
_simple("suspend", "suspend", "os_compute_api:os-suspend-server:suspend")
_simple("resume", "resume", "os_compute_api:os-suspend-server:resume")
_simple("unrescue", "unrescue", "os_compute_api:os-unrescue")
_simple("shelve", "shelve", "os_compute_api:os-shelve:shelve")
_simple("shelveOffload", "shelveOffload", "os_compute_api:os-shelve:shelve_offload")
_simple("restore", "restore", "os_compute_api:os-deferred-delete:restore")
_simple("forceDelete", "forceDelete", "os_compute_api:os-deferred-delete:force")


@action("reboot")
def reboot(server_id: str, value: dict):
    actions.reboot(backend(), context(), server_id, value["type"])
    return NO_CONTENT


@action("trigger_crash_dump", versions=between("2.17"))
def trigger_crash_dump(server_id: str, _value):
    actions.trigger_crash_dump(backend(), context(), server_id)
    return NO_CONTENT


@action("rescue")
def rescue(server_id: str, value: dict | None):
    value = value or {}
    password = actions.rescue(backend(), context(), server_id, value.get("adminPass"), value.get("rescue_image_ref"),
                              allow_bfv_rescue=version() in BFV_RESCUE)
    return jsonify({"adminPass": password})  # [api]enable_instance_password is on by default


@action("unshelve")
def unshelve(server_id: str, value):
    options = {}
    if isinstance(value, dict):
        if version() in UNSHELVE_AZ and "availability_zone" in value:
            options.update(az_passed=True, new_az=value["availability_zone"])
        if version() in UNSHELVE_HOST:
            options["host"] = value.get("host")
    actions.unshelve(backend(), context(), server_id, **options)
    return NO_CONTENT


@action("lock")
def lock(server_id: str, value):
    reason = value.get("locked_reason") if version() in LOCK_REASON and isinstance(value, dict) else None
    if not actions.lock(backend(), context(), server_id, reason):
        not_recorded()
    return NO_CONTENT


@action("unlock")
def unlock(server_id: str, _value):
    actions.unlock(backend(), context(), server_id)
    return NO_CONTENT


@action("os-resetState")
def reset_state(server_id: str, value: dict):
    actions.reset_state(backend(), context(), server_id, value["state"])
    return NO_CONTENT


@action("injectNetworkInfo")
def inject_network_info(server_id: str, _value):
    actions.inject_network_info(backend(), context(), server_id)
    return NO_CONTENT


@action("changePassword")
def change_password(server_id: str, value: dict):
    actions.change_password(backend(), context(), server_id, value["adminPass"])
    return NO_CONTENT


@action("os-getConsoleOutput")
def console_output(server_id: str, value: dict):
    output = actions.console_output(backend(), context(), server_id, value.get("length"))
    return jsonify({"output": output})


@action("addSecurityGroup")
def add_security_group(server_id: str, value: dict):
    actions.add_security_group(backend(), context(), server_id, value["name"])
    return NO_CONTENT


@action("removeSecurityGroup")
def remove_security_group(server_id: str, value: dict):
    actions.remove_security_group(backend(), context(), server_id, value["name"])
    return NO_CONTENT
