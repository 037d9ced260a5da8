import pytest
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")


@pytest.fixture
def small_jar(store):
    return Product.objects.get(upc="RELEAF-2OZ")


@pytest.fixture
def large_jar(store):
    return Product.objects.get(upc="RELEAF-4OZ")
