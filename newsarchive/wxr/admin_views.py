"""The admin's "Import a WordPress export" page: upload a WXR file, get the import's summary;
its "Export as a WordPress file" download; and the read-only list of ImportRecords, every
import's record (registered here).

It runs the same Importer as `manage.py import_wxr`, in one transaction, and only for those
with the import permission (a superuser's, unless given: see models/imports.py). Uploads are
capped (settings.WXR_UPLOAD_MAX_BYTES, 64 MB by default): the cap is enforced while the upload
is read, before anything reaches the disk, so the view is exempted from the CSRF middleware
(which would read the whole body first) and checks the token itself once the cap is in place.
"""

import functools

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from newsarchive.models import ImportRecord
from newsarchive.wxr.exporter import wxr_chunks
from newsarchive.wxr.importer import Importer, parse_author_map
from newsarchive.wxr.parser import WXRError

MAX_UPLOAD_BYTES = 64 * 1024 * 1024
IMPORT_PERMISSION = "newsarchive.import_wxr"
EXPORT_PERMISSION = "newsarchive.export_wxr"


def upload_limit():
    return getattr(settings, "WXR_UPLOAD_MAX_BYTES", MAX_UPLOAD_BYTES)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="WordPress export file",
        help_text="The .xml file from WordPress's Tools → Export (WXR 1.0, 1.1 or 1.2).",
    )
    author_map = forms.CharField(
        label="Authors",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 40}),
        help_text="Optional. One per line, wordpress_login=username, to give a WordPress "
        "author's entries to an existing user. Other authors become inactive accounts that "
        "cannot log in.",
    )
    dry_run = forms.BooleanField(
        label="Dry run: show what would change, but save nothing",
        required=False,
    )

    def __init__(self, *args, too_large=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > upload_limit():
            raise forms.ValidationError(too_large_message())
        return upload

    def clean_author_map(self):
        try:
            return parse_author_map(self.cleaned_data["author_map"].split())
        except ValueError as error:
            raise forms.ValidationError(str(error).replace("--author-map ", "")) from None

    def full_clean(self):
        super().full_clean()
        if self.is_bound and self.too_large:
            self._errors.pop("file", None)
            self.add_error("file", too_large_message())


def too_large_message():
    return f"The file is larger than {upload_limit() // (1024 * 1024)} MB, the most accepted here."


class SizeLimitHandler(FileUploadHandler):
    """Stops reading an upload as soon as it is larger than the limit."""

    def __init__(self, request, limit):
        super().__init__(request)
        self.limit = limit

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.request.wxr_upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


@csrf_exempt
def import_wxr_view(request, model_admin):
    """The import page for `model_admin` (the Entry admin)."""
    if not request.user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied
    limit = upload_limit()
    if request.method == "POST" and int(request.META.get("CONTENT_LENGTH") or 0) > limit * 2:
        # Far too large: answer without reading (or storing) the body at all.
        form = ImportForm(data={}, too_large=True)
        return _page(request, model_admin, form, status=413)
    request.upload_handlers.insert(0, SizeLimitHandler(request, limit))
    return csrf_protect(_import)(request, model_admin)


def _import(request, model_admin):
    summary = error = None
    if request.method != "POST":
        return _page(request, model_admin, ImportForm())
    form = ImportForm(
        request.POST, request.FILES, too_large=getattr(request, "wxr_upload_too_large", False)
    )
    if form.is_valid():
        upload = form.cleaned_data["file"]
        importer = Importer(
            author_map=form.cleaned_data["author_map"],
            dry_run=form.cleaned_data["dry_run"],
            user=request.user,
            via=ImportRecord.Via.ADMIN,
        )
        try:
            upload.seek(0)
            summary = importer.run([(upload.name, upload, upload.size)])
        except WXRError as failure:
            error = str(failure)
        finally:
            upload.close()
    status = 400 if error or form.errors else 200
    return _page(request, model_admin, form, summary=summary, error=error, status=status)


def _page(request, model_admin, form, summary=None, error=None, status=200):
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Import a WordPress export",
        "opts": model_admin.model._meta,
        "form": form,
        "summary": summary,
        "summary_lines": summary.lines()[:1] if summary else [],
        "error": error,
        "limit_mb": upload_limit() // (1024 * 1024),
        "media": form.media,
    }
    return TemplateResponse(request, "admin/newsarchive/import_wxr.html", context, status=status)


def export_wxr_view(request, model_admin):
    """The whole archive as WXR 1.2 (what `manage.py export_wxr` writes), streamed as it is
    made. It holds drafts, passwords and every commenter's email and address: only for those
    with the export permission."""
    if not request.user.has_perm(EXPORT_PERMISSION):
        raise PermissionDenied
    site = request.build_absolute_uri("/").rstrip("/")
    chunks = (chunk.encode() for chunk in wxr_chunks(site_url=site))
    response = StreamingHttpResponse(chunks, content_type="application/xml; charset=utf-8")
    name = f"{slugify(settings.BLOG_NAME) or 'archive'}-{timezone.localdate():%Y-%m-%d}.xml"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def admin_urls(model_admin):
    """The pages' URLs, for the Entry admin's get_urls()."""
    urls = []
    for route, view, name in [
        ("import/", import_wxr_view, "newsarchive_entry_import"),
        ("export/", export_wxr_view, "newsarchive_entry_export"),
    ]:
        bound = functools.update_wrapper(functools.partial(view, model_admin=model_admin), view)
        urls.append(path(route, model_admin.admin_site.admin_view(bound), name=name))
    return urls


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    """Every import's record, to read: no one adds, changes or deletes one."""

    list_display = ["started_at", "outcome", "who", "file_names", "created", "updated", "via"]
    list_filter = ["outcome", "via"]
    search_fields = ["files", "username", "error"]
    fields = [
        "started_at", "duration", "who", "via", "outcome", "files", "error", "counts_table",
        "skipped_list", "summary_text",
    ]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="took")
    def duration(self, record):
        return f"{record.seconds:.1f} s" if record.seconds >= 0.1 else "under a tenth of a second"

    @admin.display(description="files")
    def file_names(self, record):
        return ", ".join(record.files.splitlines())

    @admin.display(description="created")
    def created(self, record):
        return sum(counts.get("created", 0) for counts in record.counts.values())

    @admin.display(description="updated")
    def updated(self, record):
        return sum(counts.get("updated", 0) for counts in record.counts.values())

    @admin.display(description="what it did")
    def counts_table(self, record):
        rows = [
            (kind, counts.get("created", 0), counts.get("updated", 0), counts.get("unchanged", 0))
            for kind, counts in record.counts.items()
        ]
        if not rows:
            return "Nothing was saved."
        return format_html(
            "<table><thead><tr><th>What</th><th>Created</th><th>Updated</th><th>Unchanged</th>"
            "</tr></thead><tbody>{}</tbody></table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.display(description="skipped")
    def skipped_list(self, record):
        if not record.skipped:
            return "—"
        return format_html_join(
            "", "<div>{} {}</div>", ((n, reason) for reason, n in record.skipped.items())
        )

    @admin.display(description="summary")
    def summary_text(self, record):
        return format_html("<pre>{}</pre>", record.summary) if record.summary else "—"
