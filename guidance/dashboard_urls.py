from django.urls import path

from guidance import dashboard

app_name = "guidance-dashboard"
urlpatterns = [
    path("funnel/", dashboard.FunnelView.as_view(), name="funnel"),
    path("guidance/content/", dashboard.ContentView.as_view(), name="content"),
    path(
        "guidance/techniques/<slug:slug>/",
        dashboard.TechniqueEditView.as_view(),
        name="technique-edit",
    ),
    path("guidance/texts/<slug:key>/", dashboard.TextEditView.as_view(), name="text-edit"),
    path("guidance/erase/", dashboard.EraseView.as_view(), name="erase"),
]
