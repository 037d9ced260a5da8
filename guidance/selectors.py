import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from oscar.core.loading import get_model

from guidance.models import FunnelEvent, GuidanceText, Result, Technique

Product = get_model("catalogue", "Product")

CREAM_SLUG = "infused-releaf"
CREAM_CLICK_UPC = "RELEAF-2OZ"  # the size the one-click link adds
CODE = "GETINFUSED"
CODE_URL = "/code/{code}/"  # public URL contract; the discount app serves it
STEPS = ("safety", "pain", "arch", "heel")


def result_by_token(*, token: str) -> Result | None:
    """A result with its previous one (for the comparison) in one query."""
    return Result.objects.select_related("previous").filter(token=token).first()


def guidance_texts(*keys: str) -> dict[str, GuidanceText]:
    return {text.key: text for text in GuidanceText.objects.filter(key__in=keys)}


def technique_list() -> list[Technique]:
    return list(Technique.objects.order_by("order", "pk"))


@dataclass(frozen=True)
class TechniquePage:
    technique: Technique
    previous: Technique | None
    next: Technique | None


def technique_page(*, slug: str) -> TechniquePage | None:
    """A technique and its neighbours in routine order: three queries, however many exist."""
    technique = Technique.objects.filter(slug=slug).first()
    if technique is None:
        return None
    neighbours = Technique.objects.only("slug", "title", "order")
    before = Q(order__lt=technique.order) | Q(order=technique.order, pk__lt=technique.pk)
    after = Q(order__gt=technique.order) | Q(order=technique.order, pk__gt=technique.pk)
    return TechniquePage(
        technique=technique,
        previous=neighbours.filter(before).order_by("-order", "-pk").first(),
        next=neighbours.filter(after).order_by("order", "pk").first(),
    )


@dataclass(frozen=True)
class CreamOffer:
    code: str
    product_title: str
    product_url: str
    add_pk: int | None  # the child product the one-click link adds; None when it is gone

    @property
    def one_click_url(self) -> str:
        """Apply the code and add the cream to the basket (served by the discount app)."""
        url = CODE_URL.format(code=self.code)
        return f"{url}?add={self.add_pk}" if self.add_pk else url


def cream_offer() -> CreamOffer | None:
    """The cream and its code for the call-to-action, or None when the product doesn't exist."""
    child = (
        Product.objects.select_related("parent")
        .filter(upc=CREAM_CLICK_UPC, parent__slug=CREAM_SLUG, parent__is_public=True)
        .first()
    )
    if child is None:
        return None
    return CreamOffer(
        code=CODE,
        product_title=child.parent.title,
        product_url=child.parent.get_absolute_url(),
        add_pk=child.pk,
    )


def cream_click_target() -> str:
    """Where a click on the cream call-to-action goes."""
    offer = cream_offer()
    return offer.one_click_url if offer else reverse("catalogue:index")


@dataclass(frozen=True)
class FunnelLine:
    label: str
    visitors: int
    events: int
    share_of_starts: float | None  # visitors / starting visitors, None when nobody started


@dataclass(frozen=True)
class FunnelNumbers:
    start: datetime.date
    end: datetime.date
    lines: tuple[FunnelLine, ...]

    def by_label(self) -> dict[str, FunnelLine]:
        return {line.label: line for line in self.lines}


CLICK_SOURCES = {"result": "a result", "technique": "a technique page", "home": "the home page"}


def _funnel_stages() -> list[tuple[str, Q]]:
    kinds = FunnelEvent.Kind
    return [
        ("Started the self-check", Q(kind=kinds.START)),
        *[
            (f"Reached step {n}: {step}", Q(kind=kinds.STEP, step=step))
            for n, step in enumerate(STEPS, 1)
        ],
        ("Red-flag exits", Q(kind=kinds.RED_FLAG)),
        ("Completed (got a result)", Q(kind=kinds.COMPLETE)),
        ("Asked for the routine email", Q(kind=kinds.EMAIL_REQUEST)),
        ("Agreed to follow-up tips", Q(kind=kinds.FOLLOWUP_CONSENT)),
        ("Clicked through to the cream", Q(kind=kinds.PRODUCT_CLICK)),
        *[
            (f"… from {name}", Q(kind=kinds.PRODUCT_CLICK, step=source))
            for source, name in CLICK_SOURCES.items()
        ],
        ("Orders from a result", Q(kind=kinds.ORDER)),
    ]


def funnel_numbers(*, start: datetime.date, end: datetime.date) -> FunnelNumbers:
    """The funnel for days start..end (inclusive), from one aggregate query over the events."""
    stages = _funnel_stages()
    counted = ~Q(visitor_key="")
    totals = FunnelEvent.objects.filter(day__gte=start, day__lte=end).aggregate(
        **{f"events_{n}": Count("pk", filter=match) for n, (_, match) in enumerate(stages)},
        **{
            f"visitors_{n}": Count("visitor_key", distinct=True, filter=match & counted)
            for n, (_, match) in enumerate(stages)
        },
    )
    starters = totals["visitors_0"]
    lines = tuple(
        FunnelLine(
            label=label,
            visitors=totals[f"visitors_{n}"],
            events=totals[f"events_{n}"],
            share_of_starts=round(totals[f"visitors_{n}"] / starters, 3) if starters else None,
        )
        for n, (label, _) in enumerate(stages)
    )
    return FunnelNumbers(start=start, end=end, lines=lines)
