from django.urls import path

from adaptest.web.flashcards import views

urlpatterns = [
    path("", views.index, name="cards_index"),
    path("review/", views.review, name="cards_review"),
    path("import/", views.import_deck, name="cards_import"),
    path("settings/", views.study_settings, name="cards_settings"),
    path("d/<str:key>/", views.deck, name="cards_deck"),
    path("d/<str:key>/flip/", views.flip, name="cards_flip"),
    path("d/<str:key>/learn/", views.learn, name="cards_learn"),
    path("d/<str:key>/test/", views.test, name="cards_test"),
    path("d/<str:key>/schedule/", views.schedule, name="cards_schedule"),
    path("d/<str:key>/delete/", views.delete, name="cards_delete"),
    path("d/<str:key>/export.apkg", views.export_apkg, name="cards_export_apkg"),
    path("d/<str:key>/export.csv", views.export_csv, name="cards_export_csv"),
]
