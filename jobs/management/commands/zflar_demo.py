"""python manage.py zflar_demo: a demo team, login and fleet for `make run`.

Idempotent: running it again keeps the existing login and data.  The demo
sources also get Solaris-like trees for the local executor, so archive and
extract jobs can run on the worker straight away: the command lives in the jobs
app, which knows where those trees go (the planner does not).
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from jobs import storage
from jobs.executors.local_tree import build_host_tree
from planner import fleet, services
from planner.inputs import load_catalog, load_path
from planner.models import Host, Membership, Plan, Team

DEMO_TEAM = "Demo"
DEMO_USER = "admin"


class Command(BaseCommand):
    help = "Create the demo team, an admin login and a demo fleet with plans (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        login_file = Path(settings.VAR_DIR) / "demo-login.txt"
        team, _ = Team.objects.get_or_create(name=DEMO_TEAM)
        password = self._ensure_admin(team, login_file)
        if not Host.objects.filter(team=team).exists():
            self._load_fleet(team)
        self._ensure_trees(team)
        login_file.write_text(
            f"log in as {DEMO_USER} / {password}  (team {DEMO_TEAM}; reset: rm {login_file} && make run)\n"
        )
        login_file.chmod(0o600)
        self.stdout.write(login_file.read_text().strip())

    def _ensure_admin(self, team: Team, login_file: Path) -> str:
        user_model = get_user_model()
        user = user_model.objects.filter(username=DEMO_USER).first()
        password = ""
        if login_file.exists() and user is not None:
            words = login_file.read_text().split()
            password = words[words.index("/") + 1] if "/" in words else ""
        if user is None or not password or not user.check_password(password):
            password = secrets.token_urlsafe(9)
            if user is None:
                user = user_model.objects.create_superuser(DEMO_USER, "", password)
            else:
                user.set_password(password)
                user.save()
        Membership.objects.get_or_create(user=user, team=team, defaults={"role": Membership.Role.OPERATOR})
        return password

    @transaction.atomic
    def _load_fleet(self, team: Team) -> None:
        bundle_dir = Path(settings.VAR_DIR) / "demo" / "bundles"
        paths = fleet.demo_fleet(bundle_dir)
        sources, destinations = fleet.demo_hosts()
        imported: dict[str, Host] = {}
        for path in paths:
            loaded = load_path(str(path))
            snapshot = services.host_import(team=team, loaded=loaded, replan=False)
            imported[snapshot.host.hostname] = snapshot.host
        catalog = services.host_import(
            team=team, loaded=load_catalog("catalog:T5240:lon-t5240-02"), replan=False
        )
        imported[catalog.host.hostname] = catalog.host
        targets = [imported[d.hostname] for d in destinations] + [catalog.host]
        for i, source in enumerate(sources):
            destination = targets[i % len(targets)]
            if not Plan.objects.filter(source=imported[source.hostname], destination=destination).exists():
                services.plan_create(team=team, source=imported[source.hostname], destination=destination)
        self.stdout.write(
            f"demo fleet: {len(imported)} hosts, {Plan.objects.filter(team=team).count()} plans"
        )

    def _ensure_trees(self, team: Team) -> None:
        """The demo sources' folder trees, where jobs look for them: ``<root>/team-<id>/host-<id>``.

        Made when missing (a fresh checkout, or one whose trees were still keyed by hostname).
        """
        sources = {s.hostname for s in fleet.demo_hosts()[0]}
        for host in Host.objects.filter(team=team, hostname__in=sources).select_related("current_snapshot"):
            root = storage.host_root(team.pk, host.pk)
            if host.current_snapshot is None or root.exists():
                continue
            build_host_tree(root, services.inventory_of(host.current_snapshot))
