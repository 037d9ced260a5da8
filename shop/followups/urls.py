from django.urls import path

from . import views

app_name = "followups"
urlpatterns = [
    path("unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
    path("confirm/<str:token>/", views.ConsentConfirmView.as_view(), name="consent-confirm"),
    path("preview/", views.PreviewIndexView.as_view(), name="preview-index"),
    path("preview/<str:kind>/", views.preview, name="preview"),
    path("preview/<str:kind>/text/", views.preview, {"fmt": "txt"}, name="preview-text"),
]
