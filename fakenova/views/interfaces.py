"""A Neutron port -> Nova's interfaceAttachment (attach_interfaces.py
``_translate_interface_attachment_view``); the attach-time ``tag`` shows from 2.70."""

from __future__ import annotations

from fakenova.microversion import between

TAG_SHOWN = between("2.70")


def attachment(port: dict, tag: str | None, version) -> dict:
    body = {
        "net_id": port["network_id"],
        "port_id": port["id"],
        "mac_addr": port["mac_address"],
        "port_state": port["status"],
        "fixed_ips": [{"subnet_id": ip["subnet_id"], "ip_address": ip["ip_address"]} for ip in port["fixed_ips"]],
    }
    if version in TAG_SHOWN:
        body["tag"] = tag
    return body
