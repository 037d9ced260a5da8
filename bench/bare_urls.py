from django.urls import path
from django.views.generic import TemplateView

urlpatterns = [
    path(
        "", TemplateView.as_view(template_name="bench/bare.html", extra_context={"steps": range(6)})
    ),
]
