from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Archive and extract jobs"

    def ready(self) -> None:
        from planner import extensions

        from . import (
            checks,  # noqa: F401  (registers the storage check)
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
        extensions.register_report_section(
            extensions.ReportSection(
                name="last_job",
                template="jobs/partials/report_last_job.html",
                context=views.report_last_job,
                actions_template="jobs/partials/report_actions.html",
            )
        )
