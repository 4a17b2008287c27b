"""Static files: whitenoise's compressed, hashed storage, each file's address looked up once."""

import functools

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Every page names the same few static files, and finding each one's hashed name in the
    manifest cost about 12 µs a time. The manifest does not change under a running process
    (collectstatic runs before it starts), so an address found once stays right; collectstatic
    itself builds addresses with `_url()`, which is left alone."""

    @functools.lru_cache(maxsize=256)  # noqa: B019 - one storage object lives as long as the process
    def url(self, name, force=False):
        return super().url(name, force)
