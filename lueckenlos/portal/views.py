from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lueckenlos.areas.models import Kommune


def kommune_list(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/kommune_list.html", {"kommunen": Kommune.objects.all()})
