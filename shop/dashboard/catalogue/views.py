"""Overrides Oscar's ProductListView: a parent's sizes come with their stock records, which
its Stock column lists (Oscar showed "-" for a parent, whose stock is per size)."""

from oscar.apps.dashboard.catalogue import views


class ProductListView(views.ProductListView):
    def get_queryset(self):
        return super().get_queryset().prefetch_related("children__stockrecords")
