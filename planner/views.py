from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "planner/dashboard.html", {"hosts": selectors.hosts_for_user(request.user)})
