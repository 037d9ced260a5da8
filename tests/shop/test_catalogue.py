from django.urls import reverse
from oscar.core.loading import get_model

Basket = get_model("basket", "Basket")


def test_catalogue_lists_the_cream(client, store):
    response = client.get("/catalogue/")
    assert response.status_code == 200
    assert [p.slug for p in response.context["products"]] == ["infused-releaf"]
    assert b"Infused ReLeaf massage cream" in response.content


def test_category_page_lists_the_cream(client, store):
    category = store.get_categories().get()
    response = client.get(category.get_absolute_url())
    assert response.status_code == 200
    assert [p.slug for p in response.context["products"]] == ["infused-releaf"]


def test_product_page_offers_both_sizes_and_adds_to_basket(client, store):
    response = client.get(store.get_absolute_url())
    assert response.status_code == 200
    assert b"2 oz" in response.content and b"4 oz" in response.content

    four_oz = store.children.get(upc="RELEAF-4OZ")
    response = client.post(
        reverse("basket:add", kwargs={"pk": store.pk}),
        {"child_id": four_oz.pk, "quantity": 1},
    )
    assert response.status_code == 302

    response = client.get("/basket/")
    assert response.status_code == 200
    basket = response.context["basket"]
    assert [(line.product.upc, line.quantity) for line in basket.all_lines()] == [("RELEAF-4OZ", 1)]
    assert str(basket.total_incl_tax) == "58.00"


def test_home_and_dashboard_login_answer(client, store):
    assert client.get("/").status_code == 200
    assert client.get("/dashboard/login/").status_code == 200


def test_staff_reach_the_dashboard(client, store, django_user_model):
    staff = django_user_model.objects.create_user(
        username="staff", email="staff@example.com", password="pw", is_staff=True
    )
    client.force_login(staff)
    assert client.get("/dashboard/").status_code == 200
