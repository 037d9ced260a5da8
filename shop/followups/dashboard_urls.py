from django.urls import path

from . import dashboard

app_name = "followups-dashboard"
urlpatterns = [
    path("", dashboard.QueueView.as_view(), name="queue"),
    path("<int:pk>/<slug:action>/", dashboard.ActionView.as_view(), name="action"),
]
