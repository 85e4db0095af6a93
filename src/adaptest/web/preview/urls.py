from django.urls import path

from adaptest.web.preview import views

urlpatterns = [
    path("staff/preview/", views.index, name="preview_index"),
    path("staff/preview/<int:bank_index>/<str:item_id>/", views.item, name="preview_item"),
    path("staff/preview/<int:bank_index>/<str:item_id>/figure/", views.figure, name="preview_figure"),
]
