"""Who is asking: the identity a validated token carries into every service."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RequestContext:
    user_id: str
    user_name: str
    project_id: str | None
    project_name: str | None
    roles: tuple[str, ...] = field(default_factory=tuple)
    token_id: str = ""
    domain_id: str = "default"
    request_id: str = ""  # the compute request this context serves (instance actions record it)
    # Rules the ``policy`` setting overrides (fakenova.domain.policy.compile_overrides).
    policy: Mapping = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def has_role(self, *names: str) -> bool:
        return any(name in self.roles for name in names)
