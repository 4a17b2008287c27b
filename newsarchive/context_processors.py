import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse
from django.utils.encoding import iri_to_uri


def blog(request):
    """The blog's name and tagline, the addresses every page links to, and this page's
    canonical address (no queries)."""
    return {
        "blog_name": settings.BLOG_NAME,
        "blog_tagline": settings.BLOG_TAGLINE,
        "links": site_links(get_script_prefix()),
        # The site's own address (never one a request's Host header made up), with this path.
        "canonical_url": f"{settings.SITE_URL}{iri_to_uri(request.path)}",
    }


@functools.cache
def site_links(script_prefix):
    """Home and the feeds, reversed once (per script prefix, which reverse() prepends) rather
    than six times on every page."""
    return {
        "home": reverse("home"),
        "feed": reverse("feed"),
        "atom_feed": reverse("feed-atom"),
        "comments_feed": reverse("feed-comments"),
    }


@receiver(setting_changed)
def _urlconf_changed(setting, **kwargs):
    if setting == "ROOT_URLCONF":
        site_links.cache_clear()
