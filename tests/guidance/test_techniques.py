import pytest
from oscar.core.loading import get_model

from guidance.models import Technique
from guidance.routines import BASE_MINUTES, TECHNIQUE_SLUGS
from tests.helpers.guidance import take_self_check

Product = get_model("catalogue", "Product")

pytestmark = pytest.mark.usefixtures("guidance_content")


def test_list_shows_the_six_techniques_in_routine_order(client):
    response = client.get("/guidance/techniques/")
    assert response.status_code == 200
    assert [t.slug for t in response.context["techniques"]] == list(TECHNIQUE_SLUGS)
    for slug in TECHNIQUE_SLUGS:
        assert f'href="/guidance/techniques/{slug}/"'.encode() in response.content
    assert b'href="/guidance/self-check/"' in response.content


@pytest.mark.parametrize("slug", TECHNIQUE_SLUGS)
def test_each_technique_page_works_without_javascript(client, store, slug):
    technique = Technique.objects.get(slug=slug)
    response = client.get(f"/guidance/techniques/{slug}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<h1>{technique.title}</h1>" in page
    for step in technique.step_list:
        assert f"<li>{step}</li>" in page
    # The hold length is in the text; the timer script only adds a button to it.
    assert 'data-hold-seconds="120"' in page
    assert "press and hold for 2 to 3 minutes" in page
    minutes = BASE_MINUTES[slug]
    assert f"About {minutes} minute{'s' if minutes > 1 else ''} per foot in the general" in page
    assert '<script src="/static/guidance/hold-timer.js" defer></script>' in page
    assert 'href="/guidance/cream/?from=technique"' in page
    assert "GETINFUSED" in page


def test_previous_and_next(client):
    first = client.get("/guidance/techniques/twists/").context["page"]
    middle = client.get("/guidance/techniques/foot-spreading/").context["page"]
    last = client.get("/guidance/techniques/achilles-massage/").context["page"]
    assert (first.previous, first.next.slug) == (None, "arch-rubs")
    assert (middle.previous.slug, middle.next.slug) == ("toe-bends", "heel-squeezes")
    assert (last.previous.slug, last.next) == ("heel-squeezes", None)


def test_unknown_technique_is_404(client):
    assert client.get("/guidance/techniques/knee-surgery/").status_code == 404


def test_links_back_to_the_visitors_routine(client, store):
    assert b"Back to your routine" not in client.get("/guidance/techniques/twists/").content
    take_self_check(client)
    token = client.session["guidance_result_token"]
    page = client.get("/guidance/techniques/twists/").content.decode()
    assert f'<a href="/guidance/results/{token}/">Back to your routine</a>' in page


def test_page_renders_when_the_product_is_gone(client, store):
    Product.objects.all().delete()
    response = client.get("/guidance/techniques/arch-rubs/")
    assert response.status_code == 200
    assert b"GETINFUSED" in response.content
    assert b"/guidance/cream/" not in response.content


def test_staff_edits_show_on_the_page(client):
    Technique.objects.filter(slug="toe-bends").update(
        title="Toe flexes", steps="Hold the heel.\nBend the toes."
    )
    page = client.get("/guidance/techniques/toe-bends/").content.decode()
    assert "<h1>Toe flexes</h1>" in page
    assert "<li>Bend the toes.</li>" in page


# technique, previous, next, cream offer (the layout adds none)
TECHNIQUE_PAGE_QUERIES = 4


@pytest.mark.parametrize("extra_techniques", [0, 25])
def test_technique_page_query_count_is_fixed(
    client, store, django_assert_num_queries, extra_techniques
):
    Technique.objects.bulk_create(
        Technique(slug=f"extra-{n}", title=f"Extra {n}", purpose="x", steps="x", order=10 + n)
        for n in range(extra_techniques)
    )
    take_self_check(client)  # a visitor with a routine: the link back costs nothing extra
    with django_assert_num_queries(TECHNIQUE_PAGE_QUERIES):
        response = client.get("/guidance/techniques/heel-squeezes/")
    assert response.status_code == 200
    assert b"Back to your routine" in response.content
