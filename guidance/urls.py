from django.urls import path

from guidance import views

app_name = "guidance"
urlpatterns = [
    path("self-check/", views.self_check, name="self-check"),
    path("self-check/<slug:step>/", views.self_check, name="self-check-step"),
    path("see-a-clinician/", views.RedFlagsView.as_view(exit=True), name="see-a-clinician"),
    path("red-flags/", views.RedFlagsView.as_view(), name="red-flags"),
    path("results/<str:token>/", views.ResultView.as_view(), name="result"),
    path("techniques/", views.TechniqueListView.as_view(), name="techniques"),
    path("techniques/<slug:slug>/", views.TechniqueDetailView.as_view(), name="technique"),
    path("cream/", views.CreamClickView.as_view(), name="cream"),
]
