"""The newest-first order of servers kept beside the store must be exactly the list's default sort."""

from __future__ import annotations

import random

import pytest

from fakenova.domain.compute import server_order
from fakenova.store import Store


def _records(rng, count, start=0):
    # Few distinct times and ids, so ties on created_at (a frozen clock) and on both keys happen.
    return [{"id": f"s{start + i}", "project_id": rng.choice(["p1", "p2"]),
             "created_at": rng.choice([None, 1.0, 2.0, 3.0]), "internal_id": rng.choice([None, 1, 2, 3])}
            for i in range(count)]


def _expected(servers, project_id=None, after=None):
    """The list's own way: a stable sort by internal_id desc, then by created_at desc (NULLs last)."""
    def nullable(value):
        return (value is not None, value if value is not None else 0)

    records = list(servers.values())
    records = sorted(records, key=lambda s: nullable(s.get("internal_id")), reverse=True)
    records = sorted(records, key=lambda s: nullable(s.get("created_at")), reverse=True)
    if after is not None:
        records = records[records.index(after) + 1:]
    return [s["id"] for s in records if project_id is None or s["project_id"] == project_id]


@pytest.mark.parametrize("seed", range(20))
def test_order_matches_the_default_sort_as_servers_are_added(seed):
    rng = random.Random(seed)
    store = Store()
    for batch in range(3):
        for record in _records(rng, 15, start=batch * 15):
            store.servers[record["id"]] = record
        for project_id in (None, "p1", "p2"):
            assert [s["id"] for s in server_order.newest_first(store, project_id)] == \
                _expected(store.servers, project_id)
        marker = rng.choice(list(store.servers.values()))
        assert [s["id"] for s in server_order.newest_first(store, "p1", after=marker)] == \
            _expected(store.servers, "p1", after=marker)


def test_a_new_store_dict_or_a_removed_record_rebuilds_the_order():
    store = Store()
    store.servers.update({"a": {"id": "a", "project_id": "p", "created_at": 1.0, "internal_id": 1},
                          "b": {"id": "b", "project_id": "p", "created_at": 2.0, "internal_id": 2}})
    assert [s["id"] for s in server_order.newest_first(store, "p")] == ["b", "a"]
    del store.servers["b"]
    store.servers["c"] = {"id": "c", "project_id": "p", "created_at": 0.5, "internal_id": 3}
    assert [s["id"] for s in server_order.newest_first(store, "p")] == ["a", "c"]
    store.clear()
    assert list(server_order.newest_first(store, "p")) == []


def test_a_rewritten_creation_time_is_noticed():
    store = Store()
    store.servers["a"] = {"id": "a", "project_id": "p", "created_at": 1.0, "internal_id": 1}
    list(server_order.newest_first(store))
    store.servers["a"]["created_at"] = 5.0
    with pytest.raises(server_order.Stale):
        list(server_order.newest_first(store))


def test_max_internal_id_follows_added_servers_and_a_cleared_store():
    store = Store()
    assert server_order.max_internal_id(store) == 0
    store.servers["a"] = {"id": "a", "project_id": "p", "created_at": 1.0, "internal_id": 7}
    assert server_order.max_internal_id(store) == 7
    store.servers["b"] = {"id": "b", "project_id": "p", "created_at": 2.0, "internal_id": 9}
    assert server_order.max_internal_id(store) == 9
    store.clear()
    assert server_order.max_internal_id(store) == 0


@pytest.mark.parametrize("seed", range(10))
def test_a_projects_records_match_a_scan_of_the_store(seed):
    # Quota usage counts these, so they must be every record of the project whatever happened to the dict.
    rng = random.Random(seed)
    store = Store()

    def scanned(project_id):
        return sorted(s["id"] for s in store.servers.values() if s["project_id"] == project_id)

    for batch in range(3):
        for record in _records(rng, 10, start=batch * 10):
            store.servers[record["id"]] = record
        for project_id in ("p1", "p2", "nobody"):
            assert sorted(s["id"] for s in server_order.of_project(store, project_id)) == scanned(project_id)
    removed = rng.choice(list(store.servers))
    del store.servers[removed]
    store.servers["late"] = {"id": "late", "project_id": "p1", "created_at": 9.0, "internal_id": 9}
    assert sorted(s["id"] for s in server_order.of_project(store, "p1")) == scanned("p1")
    store.servers = {k: v for k, v in store.servers.items() if v["project_id"] == "p2"}
    assert server_order.of_project(store, "p1") == []
    assert sorted(s["id"] for s in server_order.of_project(store, "p2")) == scanned("p2")


def test_a_record_moved_to_another_project_rebuilds_the_projects_records():
    store = Store()
    store.servers["a"] = {"id": "a", "project_id": "p", "created_at": 1.0, "internal_id": 1}
    assert [s["id"] for s in server_order.of_project(store, "p")] == ["a"]
    store.servers["a"]["project_id"] = "q"
    assert server_order.of_project(store, "p") == []
    assert [s["id"] for s in server_order.of_project(store, "q")] == ["a"]
