"""Admin for jobs: state filters, and the params/result JSON shown read-only."""

from __future__ import annotations

from django.contrib import admin

from planner.admin import pretty_json

from .models import Archive, Job, JobEvent, ZoneResult


class ZoneResultInline(admin.TabularInline):
    model = ZoneResult
    extra = 0
    readonly_fields = ["zone", "state", "message", "updated"]
    exclude = ["details"]
    can_delete = False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "state", "team", "plan", "executor", "attempt", "created", "finished"]
    list_filter = ["kind", "state", "executor", "team"]
    search_fields = ["=id", "plan__name", "archive_path", "error", "worker", "celery_task_id"]
    list_select_related = ["team", "plan"]
    raw_id_fields = ["plan", "retry_of"]
    date_hierarchy = "created"
    exclude = ["params", "result"]
    readonly_fields = [
        "created",
        "started",
        "finished",
        "heartbeat",
        "worker",
        "celery_task_id",
        "attempt",
        "bytes_done",
        "bytes_total",
        "phase",
        "params_pretty",
        "result_pretty",
        "created_by",
    ]
    inlines = [ZoneResultInline]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).defer("plan__report")

    @admin.display(description="params")
    def params_pretty(self, obj: Job) -> str:
        return pretty_json(obj.params)

    @admin.display(description="result")
    def result_pretty(self, obj: Job) -> str:
        return pretty_json(obj.result)


class _JobPartAdmin(admin.ModelAdmin):
    """Zone results and events: deleting several at once (a queryset delete) changes their jobs'
    live blocks, which their own ``delete()`` would have said (``Job.version``)."""

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        job_ids = set(queryset.values_list("job_id", flat=True))
        super().delete_queryset(request, queryset)
        for job_id in job_ids:
            Job.bump_version(job_id)


@admin.register(ZoneResult)
class ZoneResultAdmin(_JobPartAdmin):
    list_display = ["job", "zone", "state", "message", "updated"]
    list_filter = ["state"]
    search_fields = ["zone", "message", "=job__id"]
    list_select_related = ["job"]
    raw_id_fields = ["job"]
    readonly_fields = ["details_pretty", "updated"]
    exclude = ["details"]

    @admin.display(description="details")
    def details_pretty(self, obj: ZoneResult) -> str:
        return pretty_json(obj.details)


@admin.register(JobEvent)
class JobEventAdmin(_JobPartAdmin):
    list_display = ["job", "created", "level", "zone", "message"]
    list_filter = ["level"]
    search_fields = ["message", "zone", "=job__id"]
    list_select_related = ["job"]
    raw_id_fields = ["job"]


@admin.register(Archive)
class ArchiveAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "origin", "job", "size", "created"]
    list_filter = ["origin", "team"]
    search_fields = ["name", "path", "archive_id", "=job__id"]
    list_select_related = ["team", "job"]
    raw_id_fields = ["job"]
    # The path is relative to the team's folder; changing it or the team here could point a
    # record at another team's file, so both stay read-only.
    readonly_fields = ["team", "path", "size", "archive_id", "created", "created_by"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # records come from jobs, uploads and the store's team folders
