"""The "next" link of a paged compute collection (Nova's ViewBuilder._get_collection_links).

Nova builds it in one place, nova/api/openstack/common.py, for every paged collection: servers,
flavors, key pairs, instance actions. Glance and Neutron page with their own rules (api/image.py,
api/network/query.py).
"""

from __future__ import annotations

from urllib.parse import urlencode


def collection_links(collection_url: str, params: dict[str, list[str]], page: list[dict], *,
                     id_key: str, page_size: int) -> list[dict]:
    """``[{"rel": "next", "href": ...}]`` when the page is full, else ``[]``.

    ``params`` is the query string as the handler validated it (parameters the schema does not
    name already dropped, as Nova strips them from the request); ``page_size`` is the effective
    limit, min(limit, max_limit), or max_limit without one. A limit of 0 never has a next page.
    """
    if not page_size or len(page) != page_size:
        return []
    return [{"rel": "next", "href": next_href(collection_url, params, page[-1][id_key])}]


def next_href(collection_url: str, params: dict[str, list[str]], marker: str) -> str:
    """``<collection_url>?<params>`` with the marker set to the last item on the page.

    Nova sorts the request's (name, value) pairs and feeds them to an ordered dict: a repeated
    parameter keeps the value that sorts last (``name=b&name=a`` -> ``name=b``; as strings, so
    ``limit=10&limit=9`` -> ``limit=9``). A marker already in the query keeps its sorted place,
    otherwise it goes last.
    """
    query = dict(sorted((name, value) for name, values in params.items() for value in values))
    query["marker"] = marker
    return f"{collection_url}?{urlencode(query)}"
