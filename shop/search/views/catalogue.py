"""Overrides oscar.apps.search.views.catalogue: browse pages list products from the database.

Stock Oscar asks Haystack for them: with the SimpleEngine the catalogue shows no products at all
(Oscar issue #4366), and with any engine each hit is loaded with queries of its own. The shop sells
a handful of products, so the database answers directly, in a fixed number of queries.
"""

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from oscar.apps.search.views.catalogue import ProductCategoryView as OscarProductCategoryView

from shop.store.selectors import browsable_products


class CatalogueView(ListView):
    context_object_name = "products"
    template_name = "oscar/catalogue/browse.html"
    paginate_by = settings.OSCAR_PRODUCTS_PER_PAGE
    summary = _("All products")

    def get_queryset(self):
        return browsable_products()

    def get_context_data(self, **kwargs):
        return super().get_context_data(summary=self.summary, **kwargs)


class ProductCategoryView(CatalogueView):
    template_name = "oscar/catalogue/category.html"

    # Oscar's checks for visibility and for a changed slug, unchanged.
    is_viewable = OscarProductCategoryView.is_viewable
    redirect_if_necessary = OscarProductCategoryView.redirect_if_necessary
    get_category = OscarProductCategoryView.get_category
    enforce_paths = True

    def get(self, request, *args, **kwargs):
        self.category = self.get_category()
        if not self.is_viewable(self.category, request):
            raise Http404()
        redirect = self.redirect_if_necessary(request.path, self.category)
        return redirect or super().get(request, *args, **kwargs)

    def get_queryset(self):
        return browsable_products(categories=self.category.get_descendants_and_self())

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)
