from django.urls import include, path

from adaptest.web.accounts import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("profile/", views.account, name="account"),
    path("profile/email/", views.email_change, name="email_change"),
    path("profile/tokens/", views.api_token_create, name="api_token_create"),
    path("profile/tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    # Ahead of Django's own route of the same path and name, which it replaces with a rate-limited one.
    path("password_reset/", views.PasswordReset.as_view(), name="password_reset"),
    path("", include("django.contrib.auth.urls")),
]
