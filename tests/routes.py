"""Every route of the site, found by walking its URL resolver, and addresses made from a route
with any values in its parameters: a new route is covered by the tests that use these with no
new code."""

import re
from dataclasses import dataclass
from urllib.parse import quote

from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<regex>[^()]*)\)")


@dataclass(frozen=True)
class Parameter:
    name: str
    regex: str  # what the route accepts in it
    converter: object = None

    @property
    def takes_slashes(self):
        return re.fullmatch(self.regex, "a/b") is not None

    def as_text(self, value):
        """A value of the route's own type as the address carries it (`to_url`)."""
        return self.converter.to_url(value) if self.converter else str(value)


@dataclass(frozen=True)
class Route:
    patterns: tuple  # from the root resolver's down to the view's
    name: str | None

    def __str__(self):
        """As Django's ResolverMatch.route spells it."""
        text = ""
        for pattern in self.patterns:
            part = str(pattern)
            text += part[1:] if text and part.startswith("^") else part
        return text

    @property
    def is_admin(self):
        return str(self).startswith("admin/")

    @property
    def parameters(self):
        found = []
        for pattern in self.patterns:
            if isinstance(pattern, RoutePattern):
                for match in PARAMETER.finditer(str(pattern)):
                    converter = pattern.converters[match["name"]]
                    found.append(Parameter(match["name"], converter.regex, converter))
            else:
                found += [Parameter(m["name"], m["regex"]) for m in GROUP.finditer(str(pattern))]
        return found

    def address(self, values):
        """The address with these values (text as typed, or bytes as sent) in the parameters,
        percent-encoded as a browser sends them; `values` must name every parameter."""
        path = ""
        for pattern in self.patterns:
            if isinstance(pattern, RoutePattern):
                path += PARAMETER.sub(lambda m: self._encoded(m["name"], values), str(pattern))
            else:
                filled = GROUP.sub(lambda m: self._encoded(m["name"], values), str(pattern))
                path += filled.removeprefix("^").removesuffix("$")
        return "/" + path

    def _encoded(self, name, values):
        parameter = next(p for p in self.parameters if p.name == name)
        return quote(values[name], safe="/" if parameter.takes_slashes else "")


def walk(resolver, above=()):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern, (*above, pattern.pattern))
        else:
            yield Route((*above, pattern.pattern), pattern.name)


def all_routes():
    """Every route the site answers, the admin's included, in the order they are tried."""
    return list(walk(get_resolver()))
