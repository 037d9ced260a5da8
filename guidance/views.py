from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView, View
from formtools.wizard.forms import ManagementForm
from formtools.wizard.views import NamedUrlSessionWizardView

from guidance import selectors
from guidance.forms import (
    RED_FLAGS,
    ArchForm,
    HeelForm,
    PainForm,
    RoutineEmailForm,
    SafetyForm,
    check_answers,
)
from guidance.models import FunnelEvent
from guidance.routines import Assessment, compare, observations
from guidance.services import funnel_event_record, result_create, routine_request_create
from guidance.session import RESULT_TOKEN_KEY, visitor_key


class HomeView(TemplateView):
    template_name = "guidance/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(offer=selectors.cream_offer(), **kwargs)


class SelfCheckWizard(NamedUrlSessionWizardView):
    """One URL per step; the answers live in the session until the result is stored."""

    form_list = [
        ("safety", SafetyForm),
        ("pain", PainForm),
        ("arch", ArchForm),
        ("heel", HeelForm),
    ]

    def get_template_names(self):
        return [f"guidance/self_check/{self.steps.current}.html"]

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        key = f"step-{self.steps.current}"
        context["text"] = selectors.guidance_texts(key).get(key)
        return context

    def get(self, request, *args, **kwargs):
        step = kwargs.get("step")
        fresh = False
        if step in self.get_form_list():
            # The safety screen always comes first: no jumping ahead by URL.
            missing = self._first_unanswered_before(step)
            if missing is not None:
                messages.info(request, "Please answer this step first.")
                self.storage.current_step = missing
                return redirect(self.get_step_url(missing))
            # A start is counted once per run of the wizard (the storage forgets it on reset).
            fresh = step == self.steps.first and not self.storage.extra_data.get("counted")
        response = super().get(request, *args, **kwargs)
        if step in self.get_form_list() and response.status_code == 200:
            if fresh:
                funnel_event_record(kind=FunnelEvent.Kind.START, visitor_key=visitor_key(request))
                self.storage.extra_data = {**self.storage.extra_data, "counted": True}
            funnel_event_record(
                kind=FunnelEvent.Kind.STEP, step=step, visitor_key=visitor_key(request)
            )
        return response

    def post(self, *args, **kwargs):
        management = ManagementForm(self.request.POST, prefix=self.prefix)
        if not management.is_valid() or (
            management.cleaned_data["current_step"] not in self.get_form_list()
        ):
            # formtools raises SuspiciousOperation (or a KeyError) here: give the form back.
            messages.error(self.request, "Something went wrong with that form. Please try again.")
            step = self.steps.current
            return self.render(
                self.get_form(step=step, data=self.storage.get_step_data(step) or None)
            )
        return super().post(*args, **kwargs)

    def _first_unanswered_before(self, step: str) -> str | None:
        for earlier in self.get_form_list():
            if earlier == step:
                return None
            if self.storage.get_step_data(earlier) is None:
                return earlier
        return None

    def render_next_step(self, form, **kwargs):
        if self.steps.current == "safety" and SafetyForm.has_red_flag(form.cleaned_data):
            return self._red_flag_exit()
        return super().render_next_step(form, **kwargs)

    def render_revalidation_failure(self, failed_step, form, **kwargs):
        messages.info(self.request, "Please answer this step first.")
        return super().render_revalidation_failure(failed_step, form, **kwargs)

    def _red_flag_exit(self):
        self.storage.reset()
        funnel_event_record(kind=FunnelEvent.Kind.RED_FLAG, visitor_key=visitor_key(self.request))
        return redirect("guidance:see-a-clinician")

    def done(self, form_list, form_dict=None, **kwargs):
        data = {step: form.cleaned_data for step, form in form_dict.items()}
        if SafetyForm.has_red_flag(data["safety"]):  # only reachable with forged step data
            return self._red_flag_exit()
        result = result_create(
            answers=check_answers(pain=data["pain"], arch=data["arch"], heel=data["heel"]),
            visitor_key=visitor_key(self.request),
            user=self.request.user,
        )
        self.request.session[RESULT_TOKEN_KEY] = result.token
        return redirect(result.get_absolute_url())


self_check = SelfCheckWizard.as_view(url_name="guidance:self-check-step", done_step_name="done")


class RedFlagsView(TemplateView):
    """The signs that need a clinician first; `exit` is the red-flag end of the self-check."""

    template_name = "guidance/red_flags.html"
    exit = False

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            red_flags=RED_FLAGS.values(),
            exit=self.exit,
            text=selectors.guidance_texts("red-flag").get("red-flag"),
            **kwargs,
        )


class ResultMixin:
    """The result page's context; shared by the page and the routine-email form."""

    template_name = "guidance/result.html"

    def get_result(self):
        result = selectors.result_by_token(token=self.kwargs["token"])
        if result is None:
            raise Http404("No such result")
        return result

    def result_context(self, result) -> dict:
        routine = result.get_routine()
        key = f"pattern-{result.pattern}"
        previous = result.previous
        return {
            "result": result,
            "routine": routine,
            "observations": observations(
                Assessment(
                    arch_side=result.arch_side, heel_side=result.heel_side, pattern=result.pattern
                )
            ),
            "explanation": selectors.guidance_texts(key).get(key),
            "previous": previous,
            "changes": compare(previous.answers, result.answers) if previous else (),
            "offer": selectors.cream_offer(),
        }


def _private(response):
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@method_decorator(never_cache, name="dispatch")
class ResultView(ResultMixin, FormView):
    form_class = RoutineEmailForm

    def dispatch(self, request, *args, **kwargs):
        self.result = self.get_result()
        return _private(super().dispatch(request, *args, **kwargs))

    def get(self, request, *args, **kwargs):
        if request.session.get(RESULT_TOKEN_KEY) != self.result.token:  # no save when unchanged
            request.session[RESULT_TOKEN_KEY] = self.result.token
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.result_context(self.result), **kwargs)

    def form_valid(self, form):
        try:
            request = routine_request_create(
                result=self.result,
                email=form.cleaned_data["email"],
                wants_followups=form.cleaned_data["followups"],
                visitor_key=visitor_key(self.request),
                time_zone=form.cleaned_data["time_zone"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Thanks: your routine is on its way to {request.email}.")
        return HttpResponseRedirect(self.result.get_absolute_url() + "#email")


class TechniqueListView(TemplateView):
    template_name = "guidance/technique_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            techniques=selectors.technique_list(),
            result_token=self.request.session.get(RESULT_TOKEN_KEY),
            **kwargs,
        )


class TechniqueDetailView(TemplateView):
    template_name = "guidance/technique_detail.html"

    def get_context_data(self, **kwargs):
        page = selectors.technique_page(slug=self.kwargs["slug"])
        if page is None:
            raise Http404("No such technique")
        return super().get_context_data(
            page=page,
            technique=page.technique,
            result_token=self.request.session.get(RESULT_TOKEN_KEY),
            offer=selectors.cream_offer(),
            **kwargs,
        )


class CreamClickView(View):
    """Counts a click on the cream call-to-action, then sends it where the offer points."""

    def get(self, request):
        source = request.GET.get("from", "")
        funnel_event_record(
            kind=FunnelEvent.Kind.PRODUCT_CLICK,
            step=source if source in selectors.CLICK_SOURCES else "",
            visitor_key=visitor_key(request),
        )
        return HttpResponseRedirect(selectors.cream_click_target())
