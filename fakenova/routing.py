"""The URL rule class of the app: werkzeug's, with URL builders compiled on first use.

Werkzeug compiles two Python functions per rule (for ``url_for``) as soon as the rule is added, which
is most of ``create_app()``'s time with ~90 rules. fakenova builds its links from the request, so
``url_for`` is rare; a rule compiles its builder the first time one is asked for, then keeps it.
"""

from __future__ import annotations

from werkzeug.routing import Rule


class LazyBuilderRule(Rule):
    def _compile_builder(self, append_unknown: bool = True):
        attribute = "_build_unknown" if append_unknown else "_build"

        def build_on_first_use(rule, **values):
            compiled = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            setattr(rule, attribute, compiled)
            return compiled(**values)

        return build_on_first_use
