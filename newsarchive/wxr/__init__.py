"""WordPress eXtended RSS (WXR): importing a blog's export, and exporting the archive as one.

Import: importer.py runs it (one transaction, summary.py counts, history.py records it,
progress.py reports how far it is), reading each file as a stream through parser.py (expat)
and records.py (what the elements mean); identity.py says which blog each item is from and
which row it is; batches.py writes each batch with entries.py and comments.py, using bulk.py's
COPY. exporter.py writes WXR 1.2; admin_views.py has the admin's upload and download pages and
the import records; text.py holds the small text rules both share.
"""
