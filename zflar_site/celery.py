"""The Celery app: configured from Django settings under the CELERY_ namespace."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zflar_site.settings")

app = Celery("zflar")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Keep a running job going when the broker connection drops (a Redis restart).  Celery's
# cancel-on-connection-loss SIGTERMs the task so it can be redelivered; our jobs talk to the
# database, not the broker, and a redelivered message is harmless (the claim is an atomic
# UPDATE of the Job row), so cancelling would only throw the work away and leave the row for
# the reaper.  This overrides CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS.
app.conf.worker_cancel_long_running_tasks_on_connection_loss = False
app.autodiscover_tasks()
