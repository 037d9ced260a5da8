from django.urls import path

from guidance.views import HomeView

urlpatterns = [path("", HomeView.as_view(), name="home")]
