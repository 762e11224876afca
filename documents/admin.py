"""Documents are issued only through ``documents.services.document_issue``: the admin shows them, read-only."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from .models import Document, DocumentSequence


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "department", "addressee", "issued_on", "kind", "verification_code"]
    list_filter = ["department", "kind", "year"]
    search_fields = ["number", "title", "addressee", "verification_code", "subject__name"]
    date_hierarchy = "issued_on"
    list_select_related = ["department"]
    fields = [
        "number", "title", "kind", "department", "issued_on", "issued_by", "addressee", "subject", "body", "legal_basis",
        "content_type", "object_id", "verification_code", "verification_link", "sha256", "size", "download_link", "created_at",
    ]
    readonly_fields = fields

    @admin.display(description="PDF 文件")
    def download_link(self, obj):
        return format_html('<a href="{}">下载</a>', reverse("documents:download", args=[obj.pk]))

    @admin.display(description="核验页面")
    def verification_link(self, obj):
        url = reverse("documents:verify", args=[obj.verification_code])
        return format_html('<a href="{}">{}</a>', url, url)


@admin.register(DocumentSequence)
class DocumentSequenceAdmin(ReadOnlyAdmin):
    list_display = ["department", "year", "last_value"]
    list_filter = ["year"]
    readonly_fields = ["department", "year", "last_value"]
