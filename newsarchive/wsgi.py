import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsarchive.settings")

from newsarchive.pagecache import PageCache

# Anonymous readers' pages come from the shared cache before Django's request handling starts.
application = PageCache(get_wsgi_application())
