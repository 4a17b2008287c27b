def blog(request):
    """The blog's name and tagline for every page (constants: no queries)."""
    from django.conf import settings

    return {"blog_name": settings.BLOG_NAME, "blog_tagline": settings.BLOG_TAGLINE}
