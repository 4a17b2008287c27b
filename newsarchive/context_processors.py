from django.conf import settings


def blog(request):
    """The blog's name and tagline, and this page's canonical address (no queries)."""
    return {
        "blog_name": settings.BLOG_NAME,
        "blog_tagline": settings.BLOG_TAGLINE,
        "canonical_url": request.build_absolute_uri(request.path),
    }
