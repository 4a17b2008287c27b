from django.conf import settings
from django.utils.encoding import iri_to_uri


def blog(request):
    """The blog's name and tagline, and this page's canonical address (no queries)."""
    return {
        "blog_name": settings.BLOG_NAME,
        "blog_tagline": settings.BLOG_TAGLINE,
        # The site's own address (never one a request's Host header made up), with this path.
        "canonical_url": f"{settings.SITE_URL}{iri_to_uri(request.path)}",
    }
