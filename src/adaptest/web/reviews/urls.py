from django.urls import path

from adaptest.web.reviews import views

urlpatterns = [
    path("staff/reviews/", views.review_queue, name="review_queue"),
    path("staff/reviews/<str:source>/<int:pk>/", views.review_save, name="review_save"),
]
