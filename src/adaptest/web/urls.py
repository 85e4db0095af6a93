from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from adaptest.web.api.api import api
from adaptest.web.core.views import home
from adaptest.web.credentials.views import did_document

admin.site.site_header = "Adaptest administration"

urlpatterns = [
    path("", home, name="home"),
    # Pages name their icon; this answers browsers and tools that ask the root for it anyway.
    path("favicon.ico", RedirectView.as_view(url=static("adaptest/favicon.svg"), permanent=True)),
    path("accounts/", include("adaptest.web.accounts.urls")),
    path("accounts/data/", include("adaptest.web.privacy.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("adaptest.web.assessments.urls")),
    path("", include("adaptest.web.itembank.urls")),
    path("", include("adaptest.web.reviews.urls")),
    path("", include("adaptest.web.preview.urls")),
    path("practice/", include("adaptest.web.practice.urls")),
    path("cards/", include("adaptest.web.flashcards.urls")),
    path("matches/", include("adaptest.web.matches.urls")),
    path("credentials/", include("adaptest.web.credentials.urls")),
    path("orgs/", include("adaptest.web.organizations.urls")),
    path(".well-known/did.json", did_document, name="did_document"),  # did:web: the issuer's public key
]
