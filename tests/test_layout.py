"""The domain reads by service (fakenova/domain/<service>/), and imports between services go one way.

Compute may use identity, image, volume and network; the control plane may use compute; identity,
image, volume and network use only the shared modules at the top of ``fakenova.domain``. No import
circle exists inside fakenova/domain, even one that only a function-level import would close.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

DOMAIN = pathlib.Path(__file__).resolve().parent.parent / "fakenova" / "domain"
SERVICES = ("compute", "control", "identity", "image", "network", "volume")
ALLOWED = {
    "shared": set(),
    "identity": set(),
    "image": set(),
    "volume": set(),
    "network": set(),
    "compute": {"identity", "image", "volume", "network"},
    "control": {"compute"},
}


def _module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(DOMAIN.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in DOMAIN.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        edges = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("fakenova.domain"):
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    edges.add(full if full in modules else node.module)
            elif isinstance(node, ast.Import):
                edges.update(a.name for a in node.names if a.name.startswith("fakenova.domain"))
        graph[name] = {e for e in edges if e in modules and e != name}
    return graph


def _service(module: str) -> str:
    parts = module.split(".")
    return parts[2] if len(parts) > 3 or (len(parts) == 3 and parts[2] in SERVICES) else "shared"


def test_every_module_lives_in_a_service_package_or_is_shared():
    shared = sorted(p.stem for p in DOMAIN.glob("*.py") if p.stem != "__init__")
    assert shared == ["context", "expiry", "paging", "patterns", "policy", "seeding"]
    for service in SERVICES:
        init = DOMAIN / service / "__init__.py"
        assert init.exists() and ast.get_docstring(ast.parse(init.read_text())), service


@pytest.mark.parametrize("service", SERVICES)
def test_imports_between_services_go_one_way(service):
    graph = _graph()
    wrong = sorted(f"{module} -> {target}" for module, targets in graph.items() if _service(module) == service
                   for target in targets
                   if _service(target) not in {service, "shared"} | ALLOWED[service])
    assert wrong == []


def test_no_import_circle_inside_domain():
    graph = _graph()
    # seeding is the one shared module allowed to reach into the packages (it fills a cleared store).
    graph = {m: {t for t in targets if not t.endswith(".seeding")} for m, targets in graph.items()}
    state, circles = {}, []

    def visit(module, trail):
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                circles.append(trail[trail.index(target):] + [target])
            elif target not in state:
                visit(target, trail + [target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_shared_modules_import_no_service_package_except_seeding():
    graph = _graph()
    wrong = sorted(f"{m} -> {t}" for m, targets in graph.items()
                   if _service(m) == "shared" and not m.endswith(".seeding")
                   for t in targets if _service(t) != "shared")
    assert wrong == []
