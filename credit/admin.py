"""Every credit model in the admin. State fields are read-only: lifecycles change through services."""

from django.contrib import admin

from audit.receivers import audit_personal_data_view

from . import models


class ReadOnlyStateMixin:
    """FSM fields are protected: the admin shows them but never writes them."""

    state_fields = ("status",)

    def get_readonly_fields(self, request, obj=None):
        return tuple(super().get_readonly_fields(request, obj)) + self.state_fields


@admin.register(models.Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "document_prefix", "is_credit_lead")
    list_filter = ("kind", "is_credit_lead")
    search_fields = ("code", "name")


@admin.register(models.StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "department", "role")
    list_filter = ("role", "department")
    search_fields = ("user__username", "user__full_name", "department__name")
    autocomplete_fields = ("user", "department")


class VehicleInline(admin.TabularInline):
    model = models.Vehicle
    extra = 0


class ShipInline(admin.TabularInline):
    model = models.Ship
    extra = 0


class MembershipInline(admin.TabularInline):
    model = models.SubjectMembership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(models.Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "display_code", "legal_representative", "region_code")
    list_filter = ("kind",)
    search_fields = ("name", "uscc", "id_number")
    inlines = (MembershipInline, VehicleInline, ShipInline)

    @admin.display(description="代码")
    def display_code(self, obj):
        return obj.display_code

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        subject = models.Subject.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if request.method == "GET" and subject is not None and subject.kind == models.Subject.Kind.NATURAL_PERSON:
            audit_personal_data_view(user=request.user, target=subject, what="admin")
        return response


@admin.register(models.SubjectMembership)
class SubjectMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "subject", "capacity")
    search_fields = ("user__username", "subject__name")
    autocomplete_fields = ("user", "subject")


@admin.register(models.Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = ("plate_number", "subject", "vehicle_type", "transport_certificate_no")
    search_fields = ("plate_number", "subject__name")
    autocomplete_fields = ("subject",)


@admin.register(models.Ship)
class ShipAdmin(admin.ModelAdmin):
    list_display = ("name", "registration_no", "subject", "gross_tonnage")
    search_fields = ("name", "registration_no", "subject__name")
    autocomplete_fields = ("subject",)


class PublicationPeriodInline(admin.TabularInline):
    model = models.PublicationPeriod
    extra = 0


class ProcessDeadlineInline(admin.TabularInline):
    model = models.ProcessDeadline
    extra = 0


@admin.register(models.RuleVersion)
class RuleVersionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "effective_from", "effective_to", "clock_start", "unverified")
    inlines = (PublicationPeriodInline, ProcessDeadlineInline)


@admin.register(models.CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source")


@admin.register(models.CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("name",)


@admin.register(models.CatalogItem)
class CatalogItemAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "record_kind", "source_department", "openness")
    list_filter = ("record_kind", "openness")
    search_fields = ("code", "name")


@admin.register(models.CreditRecord)
class CreditRecordAdmin(ReadOnlyStateMixin, admin.ModelAdmin):
    list_display = ("__str__", "subject", "kind", "severity", "source_department", "decision_date", "status", "completeness_percent")
    list_filter = ("kind", "status", "severity", "source_department")
    search_fields = ("document_number", "title", "subject__name", "subject__uscc")
    date_hierarchy = "decision_date"
    autocomplete_fields = ("subject",)
    readonly_fields = ("completeness", "earliest_repair_on", "publication_ends_on", "rule_version", "corrections", "status_changed_at")
    list_select_related = ("subject", "source_department")

    @admin.display(description="完整度")
    def completeness_percent(self, obj):
        return f"{float(obj.completeness) * 100:.0f}%"


@admin.register(models.ListEntry)
class ListEntryAdmin(ReadOnlyStateMixin, admin.ModelAdmin):
    list_display = ("subject", "list_kind", "designating_department", "status", "listed_on", "expires_on", "removal_reason")
    list_filter = ("list_kind", "status", "designating_department")
    search_fields = ("subject__name", "subject__uscc")
    autocomplete_fields = ("subject", "basis_record")
    list_select_related = ("subject", "designating_department")


@admin.register(models.Commitment)
class CommitmentAdmin(ReadOnlyStateMixin, admin.ModelAdmin):
    list_display = ("subject", "kind", "matter", "department", "committed_on", "supplement_due_on", "status")
    list_filter = ("kind", "status", "department")
    search_fields = ("subject__name", "matter")
    autocomplete_fields = ("subject",)


@admin.register(models.InterviewRecord)
class InterviewRecordAdmin(admin.ModelAdmin):
    list_display = ("subject", "kind", "department", "held_at", "rectification_due_on", "rectified")
    list_filter = ("kind", "department")
    search_fields = ("subject__name", "matter")
    autocomplete_fields = ("subject",)


@admin.register(models.JointAction)
class JointActionAdmin(admin.ModelAdmin):
    list_display = ("subject", "kind", "measure", "executing_department", "executed_at", "matter")
    list_filter = ("kind", "executing_department")
    search_fields = ("subject__name", "measure", "matter")
    autocomplete_fields = ("subject",)


@admin.register(models.PlatformSync)
class PlatformSyncAdmin(admin.ModelAdmin):
    list_display = ("platform", "event", "status", "attempts", "next_attempt_at", "delivered_at", "created_at")
    list_filter = ("platform", "status", "event")
    readonly_fields = ("idempotency_key", "payload", "attempts", "last_error", "delivered_at", "content_type", "object_id")
