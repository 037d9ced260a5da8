import functools
import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView, View
from formtools.wizard.views import NamedUrlWizardView

from guidance import selectors
from guidance.forms import (
    RED_FLAG_CONDITIONS,
    ArchForm,
    HeelForm,
    PainForm,
    RoutineEmailForm,
    SafetyForm,
    check_answers,
)
from guidance.models import FunnelEvent
from guidance.routines import (
    SORE_SPOT_HOLD,
    SORE_SPOT_HOLD_MINUTES,
    Assessment,
    compare,
    observations,
    routine_for_result_page,
)
from guidance.services import (
    funnel_event_queue,
    funnel_event_record,
    result_create,
    routine_request_create,
)
from guidance.session import RESULT_TOKEN_KEY, VISITOR_KEY, WIZARD_PREFIX, visitor_key


class SelfCheckWizard(NamedUrlWizardView):
    """One URL per step; the answers live in a cookie of their own until the result is stored."""

    storage_name = "guidance.session.WizardCookieStorage"

    form_list = [
        ("safety", SafetyForm),
        ("pain", PainForm),
        ("arch", ArchForm),
        ("heel", HeelForm),
    ]

    def get_prefix(self, request, *args, **kwargs):
        return WIZARD_PREFIX  # names its cookie, which the page cache reads (session.py)

    def get_template_names(self):
        return [f"guidance/self_check/{self.steps.current}.html"]

    def get_step_url(self, step):
        return _step_url(step)

    def get_form_kwargs(self, step=None):
        # The step templates write their own legends: no translated ":" to look up per form.
        return {"label_suffix": ""}

    def get_form_step_data(self, form):
        # Only the answers go into the cookie: the CSRF token and the step field were checked.
        skip = ("csrfmiddlewaretoken", f"{self.prefix}-current_step")
        return {name: values for name, values in form.data.lists() if name not in skip}

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        key = f"step-{self.steps.current}"
        context["text"] = selectors.guidance_texts(key).get(key)
        return context

    def get(self, request, *args, **kwargs):
        step = kwargs.get("step")
        if step is None or step not in self.get_form_list():
            return super().get(request, *args, **kwargs)
        # The safety screen always comes first: no jumping ahead by URL.
        missing = self._first_unanswered_before(step)
        if missing is not None:
            messages.info(request, "Please answer this step first.")
            self.storage.current_step = missing
            return redirect(self.get_step_url(missing))
        if step == self.steps.first:
            self._step_reached(step)  # the start
        return super().get(request, *args, **kwargs)

    def _step_reached(self, step: str) -> None:
        """Count the visitor reaching a step (the first: starting), once per run of the wizard.

        The storage forgets what it counted when it is reset (a red flag, a retake).
        """
        reached = self.storage.extra_data.get("reached", [])
        if step in reached:
            return
        self.storage.extra_data = {**self.storage.extra_data, "reached": [*reached, step]}
        key = self._visitor_key()
        if step == self.steps.first:
            funnel_event_queue(kind=FunnelEvent.Kind.START, visitor_key=key)
        funnel_event_queue(kind=FunnelEvent.Kind.STEP, step=step, visitor_key=key)

    def _visitor_key(self) -> str:
        """The visitor's funnel key for this run, kept with the answers: their session's when they
        have one (a retake, to compare with), else a new one that their result will keep."""
        key = self.storage.extra_data.get("visitor")
        if not key:
            key = self.request.session.get(VISITOR_KEY) or secrets.token_urlsafe(16)
            self.storage.extra_data = {**self.storage.extra_data, "visitor": key}
        return key

    def post(self, *args, **kwargs):
        """formtools' post, less its ManagementForm (a form made to read the one hidden field
        checked here) and its step files (the self-check has none)."""
        back = self.request.POST.get("wizard_goto_step")
        if back in self.get_form_list():
            return self.render_goto_step(back)
        posted = self.request.POST.get(f"{self.prefix}-current_step")
        if posted not in self.get_form_list():
            # formtools raises SuspiciousOperation (or a KeyError) here: give the form back.
            messages.error(self.request, "Something went wrong with that form. Please try again.")
            step = self.steps.current
            return self.render(
                self.get_form(step=step, data=self.storage.get_step_data(step) or None)
            )
        if self.storage.current_step is not None:
            self.storage.current_step = posted  # the page it came from (a reload, another tab)
        form = self.get_form(data=self.request.POST)
        if not form.is_valid():
            return self.render(form)
        self.storage.set_step_data(self.steps.current, self.process_step(form))
        if self.steps.current == self.steps.last:
            return self.render_done(form, **kwargs)
        return self.render_next_step(form)

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
        next_step = self.get_next_step()
        # Counted here, with the answer, so that showing a step writes nothing.
        self._step_reached(next_step)
        self.storage.current_step = next_step
        return HttpResponseRedirect(self.get_step_url(next_step))  # as formtools, sans lookup

    def render_revalidation_failure(self, failed_step, form, **kwargs):
        messages.info(self.request, "Please answer this step first.")
        return super().render_revalidation_failure(failed_step, form, **kwargs)

    def _red_flag_exit(self):
        key = self._visitor_key()
        self.storage.reset()
        funnel_event_queue(kind=FunnelEvent.Kind.RED_FLAG, visitor_key=key)
        return redirect("guidance:see-a-clinician")

    def done(self, form_list, form_dict=None, **kwargs):
        data = {step: form.cleaned_data for step, form in form_dict.items()}
        if SafetyForm.has_red_flag(data["safety"]):  # only reachable with forged step data
            return self._red_flag_exit()
        key = self._visitor_key()
        self.request.session[VISITOR_KEY] = key  # for a retake to find this result
        result = result_create(
            answers=check_answers(pain=data["pain"], arch=data["arch"], heel=data["heel"]),
            visitor_key=key,
            user=self.request.user,
        )
        self.request.session[RESULT_TOKEN_KEY] = result.token
        return redirect(result.get_absolute_url())


@functools.cache
def _step_url(step: str) -> str:
    return reverse("guidance:self-check-step", kwargs={"step": step})


self_check = SelfCheckWizard.as_view(url_name="guidance:self-check-step", done_step_name="done")


class RedFlagsView(TemplateView):
    """The signs that need a clinician first; `exit` is the red-flag end of the self-check."""

    template_name = "guidance/red_flags.html"
    exit = False

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            red_flags=RED_FLAG_CONDITIONS.values(),
            exit=self.exit,
            text=selectors.guidance_texts("red-flag").get("red-flag"),
            **kwargs,
        )


class ResultMixin(View):
    """The result page's context; shared by the page and the routine-email form."""

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
            "routine": routine_for_result_page(routine, pattern=result.pattern),
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
    """A result, by its token alone: the same page for everyone holding the link.

    Showing it writes nothing (the self-check's end put the token in the finisher's session),
    so the page cache keeps it for visitors without a session, such as the reader of the
    routine email; browsers and proxies are told not to keep it.
    """

    template_name = "guidance/result.html"
    form_class = RoutineEmailForm

    def dispatch(self, request, *args, **kwargs):
        self.result = self.get_result()
        # Kept by the page cache all the same (SHOP_PAGE_CACHE_SERVER_ONLY_PATHS).
        return _private(super().dispatch(request, *args, **kwargs))

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
            sore_spot_hold=SORE_SPOT_HOLD,
            hold_timer_minutes=SORE_SPOT_HOLD_MINUTES[0],
            result_token=self.request.session.get(RESULT_TOKEN_KEY),
            offer=(offer := selectors.cream_offer()),
            og_image_url=offer.image_url if offer else "",
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
