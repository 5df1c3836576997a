"""Neutron's agents as ML2/OVN reports them (neutron/plugins/ml2/drivers/ovn/agent/neutron_agent.py):
an OVN Controller agent and an OVN Metadata agent on every host that runs nova-compute. Only admins
see them (policy get_agent); anyone else lists none. Admins may change ``admin_state_up`` and
``description``; nothing here schedules anything.
"""

from __future__ import annotations

from fakenova.domain.network.common import not_found
from fakenova.seeds import stable_uuid

KINDS = (("OVN Controller agent", "ovn-controller"), ("OVN Metadata agent", "neutron-ovn-metadata-agent"))


def seed(backend) -> None:
    """Runs after the compute services are seeded: one pair of agents per compute host."""
    store = backend.store
    now = backend.clock.time()
    hosts = sorted({s["host"] for s in store.services.values() if s["binary"] == "nova-compute"})
    for host in hosts:
        for agent_type, binary in KINDS:
            agent_id = stable_uuid("agent", f"{host}:{binary}")
            store.agents[agent_id] = {
                "id": agent_id, "agent_type": agent_type, "binary": binary, "host": host, "topic": "n/a",
                "availability_zone": None, "admin_state_up": True, "alive": True, "description": "",
                "configurations": {}, "resources_synced": None, "created_at": now, "started_at": now,
                "heartbeat_timestamp": now,
            }


def visible(backend, agent: dict, context) -> bool:
    return context.is_admin


def get_agent(backend, agent_id: str, context) -> dict:
    agent = backend.store.agents.get(agent_id)
    if agent is None or not context.is_admin:
        raise not_found("AgentNotFound", f"Agent {agent_id} could not be found.")
    return agent


def update(backend, context, agent_id: str, request: dict) -> dict:
    with backend.store.lock:
        agent = get_agent(backend, agent_id, context)
        # Agents have no standard attributes: no revision to bump.
        agent.update({key: request[key] for key in ("admin_state_up", "description") if key in request})
        return agent


def delete(backend, context, agent_id: str) -> None:
    with backend.store.lock:
        get_agent(backend, agent_id, context)
        del backend.store.agents[agent_id]
