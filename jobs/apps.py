from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Archive and extract jobs"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the storage check)
