from django.urls import path

from adaptest.web.itembank import views

urlpatterns = [
    path("staff/items/", views.item_stats, name="item_stats"),
]
