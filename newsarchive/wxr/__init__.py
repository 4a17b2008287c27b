"""WordPress eXtended RSS (WXR): importing a blog's export, and exporting the archive as one.

Import: importer.py runs it (one transaction, summary.py counts), reading.py reads the file in
a thread through parser.py (expat) and records.py (what the elements mean), batches.py writes
each batch with entries.py and comments.py, using bulk.py's COPY. exporter.py writes WXR 1.2;
admin_views.py is the admin's upload page; text.py holds the small text rules both share.
"""
