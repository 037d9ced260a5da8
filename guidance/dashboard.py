"""Staff pages under Oscar's dashboard: funnel numbers, content editing and erasure."""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.forms import modelform_factory
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.generic import FormView, TemplateView, UpdateView

from guidance import selectors
from guidance.forms import DateRangeForm, EraseForm
from guidance.models import GuidanceText, Technique
from guidance.services import results_erase

staff_only = method_decorator(
    staff_member_required(login_url=reverse_lazy("dashboard:login")), name="dispatch"
)


@staff_only
class FunnelView(TemplateView):
    template_name = "guidance/dashboard/funnel.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if request.GET.get("format") == "csv" and context["numbers"]:
            numbers = context["numbers"]
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="funnel-{numbers.start}-{numbers.end}.csv"'
            )
            csv.writer(response).writerows(
                selectors.funnel_csv_rows(numbers=numbers, sources=context["sources"])
            )
            return response
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        query = self.request.GET
        data = DateRangeForm.preset_range(query.get("preset", "")) or (
            query if "start" in query or "end" in query else DateRangeForm.default_range()
        )
        form = DateRangeForm(data)
        numbers = sources = chart = None
        if form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            numbers = selectors.funnel_numbers(start=start, end=end)
            sources = selectors.funnel_sources(start=start, end=end)
            chart = selectors.funnel_chart(numbers=numbers)
        return super().get_context_data(
            form=form,
            presets=DateRangeForm.PRESETS,
            numbers=numbers,
            sources=sources,
            chart=chart,
            attribution_days=settings.GUIDANCE_ATTRIBUTION_DAYS,
            **kwargs,
        )


@staff_only
class ContentView(TemplateView):
    template_name = "guidance/dashboard/content.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            techniques=selectors.technique_list(),
            texts=GuidanceText.objects.order_by("key"),
            **kwargs,
        )


class _ContentEditView(UpdateView):
    template_name = "guidance/dashboard/edit.html"
    success_url = reverse_lazy("guidance-dashboard:content")

    def form_valid(self, form):
        messages.success(self.request, f"Saved “{form.instance.title}”.")
        return super().form_valid(form)


@staff_only
class TechniqueEditView(_ContentEditView):
    model = Technique
    form_class = modelform_factory(
        Technique,
        fields=["title", "purpose", "steps", "tips", "order"],
    )

    def get_object(self, queryset=None):
        return get_object_or_404(Technique, slug=self.kwargs["slug"])


@staff_only
class TextEditView(_ContentEditView):
    model = GuidanceText
    form_class = modelform_factory(GuidanceText, fields=["title", "body"])

    def get_object(self, queryset=None):
        return get_object_or_404(GuidanceText, key=self.kwargs["key"])


@staff_only
class EraseView(FormView):
    template_name = "guidance/dashboard/erase.html"
    form_class = EraseForm

    def form_valid(self, form):
        erased = results_erase(email=form.cleaned_data["email"], token=form.cleaned_data["token"])
        messages.success(self.request, f"Erased {erased} result{'s' if erased != 1 else ''}.")
        return redirect("guidance-dashboard:erase")
