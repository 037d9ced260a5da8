"""Overrides Oscar's dashboard IndexView: the launch checklist above Oscar's statistics."""

from oscar.apps.dashboard import views

from shop.store.selectors import launch_checklist


class IndexView(views.IndexView):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.request.user.is_staff:
            ctx["launch_checklist"] = launch_checklist()
        return ctx
