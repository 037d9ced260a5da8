"""Staff pages under Oscar's dashboard: the follow-up queue and its actions (with a
confirmation step), and the last 30 days' counts per kind."""

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views import View

from .models import PlannedEmail
from .selectors import (
    planned_email_counts,
    planned_email_queue,
    planned_email_routine_result,
)
from .services import planned_email_requeue, planned_email_send_now, planned_email_skip

staff_only = method_decorator(
    staff_member_required(login_url=reverse_lazy("dashboard:login")), name="dispatch"
)
State = PlannedEmail.State

# action: (button label, what it does, the states it applies to, the service)
ACTIONS = {
    "send-now": (
        "Send now",
        "It goes out within a few seconds, by the dispatcher; consent, unsubscribes and a "
        "purchase since are checked again then, so it may still be skipped.",
        (State.PENDING,),
        planned_email_send_now,
    ),
    "skip": (
        "Skip",
        "It will never be sent. Retry brings it back.",
        (State.PENDING, State.FAILED),
        planned_email_skip,
    ),
    "retry": (
        "Retry",
        "It is queued again now with its attempts reset; the checks still apply.",
        (State.FAILED, State.SKIPPED),
        planned_email_requeue,
    ),
}


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(choices=[("", "Any state"), *State.choices], required=False)
    kind = forms.ChoiceField(choices=[("", "Any kind"), *PlannedEmail.Kind.choices], required=False)


@staff_only
class QueueView(View):
    def get(self, request):
        form = QueueFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        return render(
            request,
            "followups/dashboard/queue.html",
            {
                "form": form,
                "rows": planned_email_queue(
                    state=filters.get("state", ""), kind=filters.get("kind", "")
                ),
                "counts": planned_email_counts(days=30),
                "actions": {name: (a[0], a[2]) for name, a in ACTIONS.items()},
            },
        )


@staff_only
class ActionView(View):
    """GET: what the action will do, and a button; POST: do it."""

    def _action(self, name):
        if name not in ACTIONS:
            raise Http404("No such action")
        return ACTIONS[name]

    def get(self, request, pk, action):
        label, effect, states, _ = self._action(action)
        email = get_object_or_404(PlannedEmail.objects.select_related("contact", "order"), pk=pk)
        return render(
            request,
            "followups/dashboard/confirm.html",
            {
                "email": email,
                "action": action,
                "label": label,
                "effect": effect,
                "allowed": email.state in states,
                "routine_from": planned_email_routine_result(planned_email=email),
            },
        )

    def post(self, request, pk, action):
        label, _, _, service = self._action(action)
        email = get_object_or_404(PlannedEmail, pk=pk)
        if service(planned_email=email):
            messages.success(request, f"{label}: done for the email to {email.contact.email}.")
        else:
            messages.error(request, f"{label}: not possible now; the email's state changed.")
        return redirect("followups-dashboard:queue")
