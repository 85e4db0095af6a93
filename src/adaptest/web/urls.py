from django.contrib import admin
from django.urls import include, path

from adaptest.web.api.api import api
from adaptest.web.core.views import home

admin.site.site_header = "Adaptest administration"

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("adaptest.web.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("adaptest.web.assessments.urls")),
    path("", include("adaptest.web.itembank.urls")),
]
