"""Top-level addresses. Words taken here are listed in lueckenlos.areas.slugs.RESERVED_SLUGS,
because the portal gives every Kommune a top-level address of its own."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("lueckenlos – administration")
admin.site.site_title = _("lueckenlos administration")
admin.site.index_title = _("Back office")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("konto/", include("lueckenlos.accounts.urls")),
    # Open Referral HSDS 3.0 for other directories, then the project's own REST API.
    path("api/hsds/<slug:kommune_slug>/", include("lueckenlos.interop.hsds.urls")),
    path("api/", include("lueckenlos.api.urls")),
    # The interface language lives in the address (/en/…), German without a prefix; no cookie.
    *i18n_patterns(
        path("", include("lueckenlos.freshness.urls")),
        path("", include("lueckenlos.workspace.urls")),
        path("", include("lueckenlos.review.urls")),
        path("", include("lueckenlos.monitoring.public_urls")),
        path("", include("lueckenlos.portal.urls")),
        prefix_default_language=False,
    ),
]
