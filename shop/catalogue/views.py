"""Overrides oscar.apps.catalogue.views.ProductDetailView: fetch what the product page shows up front.

Oscar's view loads the product alone; the template, the pricing strategy and the add-to-basket
form then load its images, categories, children and their stock records one by one, several
times each (20 queries for the cream in two sizes). The quantity box knows the cap per line; the
page carries schema.org Product/Offer and BreadcrumbList data and its photo for link previews.
"""

from django.conf import settings
from oscar.apps.catalogue import views

from shop.store import structured_data
from shop.store.selectors import product_details, products_for_detail


class ProductDetailView(views.ProductDetailView):
    def get_queryset(self):
        return products_for_detail()

    def get_context_data(self, **kwargs):
        product = self.object
        return super().get_context_data(
            **kwargs,
            max_line_quantity=settings.SHOP_MAX_LINE_QUANTITY,
            structured_data=structured_data.as_script(
                structured_data.product_data(product=product, strategy=self.request.strategy),
                structured_data.breadcrumb_data(product=product),
            ),
            og_image_url=structured_data.product_image_url(product),
            product_details=product_details(product=product),
        )
