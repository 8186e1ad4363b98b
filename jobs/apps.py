from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Archive and extract jobs"

    def ready(self) -> None:
        from planner import extensions

        from . import (
            checks,  # noqa: F401  (registers the storage check)
            lifecycle,
            selectors,
            views,
        )

        extensions.register_plan_tab(
            extensions.PlanTab(
                name=views.PLAN_TAB,
                label="Jobs",
                template="jobs/partials/plan_jobs_tab.html",
                context=views.plan_jobs_tab,
            )
        )
        extensions.register_plan_column(
            extensions.PlanColumn(
                name="last_job",
                title="Last job",
                cell_template="jobs/partials/plan_last_job_cell.html",
                annotate=selectors.last_job_annotations,
            )
        )
        from django.db import transaction
        from django.db.models.signals import post_delete

        from planner.models import Host

        from . import storage

        def forget_host_tree(sender: type[Host], instance: Host, **kwargs: object) -> None:
            # A deleted host's rehearsal tree on the worker goes too, once the deletion committed.
            team_id, host_id = instance.team_id, instance.pk
            transaction.on_commit(lambda: storage.remove_host_tree(team_id, host_id))

        post_delete.connect(forget_host_tree, sender=Host, dispatch_uid="jobs.forget_host_tree")
        extensions.register_plan_delete_hook(
            extensions.PlanDeleteHook(
                name="jobs", refuse=lifecycle.plan_delete_refusal, before=lifecycle.plan_delete_keep_jobs
            )
        )
        extensions.register_report_section(
            extensions.ReportSection(
                name="last_job",
                template="jobs/partials/report_last_job.html",
                context=views.report_last_job,
                actions_template="jobs/partials/report_actions.html",
            )
        )
