"""The URL rule class of the app: werkzeug's, with URL builders compiled on first use.

Werkzeug compiles two Python functions per rule (for ``url_for``) as soon as the rule is added, which
is most of ``create_app()``'s time with ~90 rules. fakenova builds its links from the request, so
``url_for`` is rare; a rule compiles its builder the first time one is asked for, then keeps it.
"""

from __future__ import annotations

from flask import Blueprint
from werkzeug.routing import Rule


class LazyBuilderRule(Rule):
    def _compile_builder(self, append_unknown: bool = True):
        attribute = "_build_unknown" if append_unknown else "_build"

        def build_on_first_use(rule, **values):
            compiled = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            setattr(rule, attribute, compiled)
            return compiled(**values)

        return build_on_first_use


class ExactPathsBlueprint(Blueprint):
    """A blueprint whose paths match exactly, as the routes.Mapper of Glance and Cinder (and Nova)
    matches them: "/v2/images/" or "/v3/{project}/volumes/" is no route, so a GET or DELETE of an
    empty id is 404, never the collection."""

    def add_url_rule(self, rule, endpoint=None, view_func=None, **options):
        options.setdefault("strict_slashes", True)
        super().add_url_rule(rule, endpoint, view_func, **options)
