from django.urls import path

from adaptest.web.privacy import views

urlpatterns = [
    path("export/", views.data_export, name="data_export"),
    path("delete/", views.account_delete, name="account_delete"),
    path("deleted/", views.account_deleted, name="account_deleted"),
]
