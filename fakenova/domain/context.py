"""Who is asking: the identity a validated token carries into every service."""

from __future__ import annotations

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

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def has_role(self, *names: str) -> bool:
        return any(name in self.roles for name in names)
