import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.urls import reverse
from oscar.core.loading import get_model

from guidance.models import FunnelEvent, GuidanceText, Result, Technique

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")

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
    size: str = ""  # the size the one-click link adds, e.g. "2 oz"
    price: Decimal | None = None  # its price before the code; None without a stock record
    image_url: str = ""  # the cream's first photo, absolute (link previews); "" without one

    @property
    def one_click_url(self) -> str:
        """Apply the code and add the cream to the basket (served by the discount app)."""
        url = CODE_URL.format(code=self.code)
        return f"{url}?add={self.add_pk}" if self.add_pk else url


def cream_offer() -> CreamOffer | None:
    """The cream and its code for the call-to-action, or None when the product doesn't exist."""
    child = (
        Product.objects.select_related("parent")
        .annotate(
            photo=Subquery(
                ProductImage.objects.filter(product=OuterRef("parent"))
                .order_by("display_order", "pk")
                .values("original")[:1]
            ),
            list_price=Subquery(
                StockRecord.objects.filter(product=OuterRef("pk")).values("price")[:1]
            ),
        )
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
        size=child.title.removeprefix(child.parent.title).strip(", "),
        price=child.list_price,
        image_url=_absolute(default_storage.url(child.photo)) if child.photo else "",
    )


def _absolute(url: str) -> str:
    """A storage URL as link previews need it: local storage answers a path, S3 a full URL."""
    return url if url.startswith(("http://", "https://")) else f"{settings.SITE_URL}{url}"


def cream_click_target() -> str:
    """Where a click on the cream call-to-action goes. `from=cream`: the /code/ link does not
    count it again as a visitor of its own (CodeLinkView)."""
    offer = cream_offer()
    if offer is None:
        return reverse("catalogue:index")
    url = offer.one_click_url
    return f"{url}{'&' if '?' in url else '?'}from=cream"


@dataclass(frozen=True)
class FunnelLine:
    label: str
    visitors: int
    events: int
    share_of_starts: float | None  # visitors / starting visitors, None when nobody started
    # Share of the previous stage's visitors lost before this one; None off the main path.
    drop_off: float | None = None


@dataclass(frozen=True)
class FunnelNumbers:
    start: datetime.date
    end: datetime.date
    lines: tuple[FunnelLine, ...]

    def by_label(self) -> dict[str, FunnelLine]:
        return {line.label: line for line in self.lines}


# Where a visitor came to the cream from: the cream link's ?from= (CreamClickView) and the
# /code/ link (shop.basket.views.CodeLinkView).
CLICK_SOURCES = {
    "result": "a result",
    "technique": "a technique page",
    "home": "the home page",
    "email": "an email link",
}
SOURCES = {**CLICK_SOURCES, "code": "a /code/ link"}
NO_SOURCE = "no click recorded"
ORDERS_LABEL = "Paid orders from a result"
MAIN_PATH = (
    "Started the self-check",
    *(f"Reached step {n}: {step}" for n, step in enumerate(STEPS, 1)),
    "Completed (got a result)",
    "Clicked through to the cream",
    ORDERS_LABEL,
)


def _paid(order_number_ref: str = "order_number") -> Exists:
    """The event's order was paid (not waiting for payment, not cancelled)."""
    return Exists(
        Order.objects.filter(number=OuterRef(order_number_ref)).exclude(
            status__in=(settings.SHOP_ORDER_STATUS_PENDING, settings.SHOP_ORDER_STATUS_CANCELLED)
        )
    )


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
            for source, name in SOURCES.items()
        ],
        (ORDERS_LABEL, Q(kind=kinds.ORDER, paid=True)),
    ]


def funnel_numbers(*, start: datetime.date, end: datetime.date) -> FunnelNumbers:
    """The funnel for days start..end (inclusive, in the shop's time zone), from one aggregate
    query over the events. Orders count once paid (shop.payment), by the day they were placed."""
    stages = _funnel_stages()
    counted = ~Q(visitor_key="")
    events = FunnelEvent.objects.filter(day__gte=start, day__lte=end).annotate(paid=_paid())
    totals = events.aggregate(
        **{f"events_{n}": Count("pk", filter=match) for n, (_, match) in enumerate(stages)},
        **{
            f"visitors_{n}": Count("visitor_key", distinct=True, filter=match & counted)
            for n, (_, match) in enumerate(stages)
        },
    )
    starters = totals["visitors_0"]
    lines, previous = [], None
    for n, (label, _) in enumerate(stages):
        visitors = totals[f"visitors_{n}"]
        drop_off = None
        if label in MAIN_PATH:
            if previous:
                drop_off = round(1 - visitors / previous, 3)
            previous = visitors
        lines.append(
            FunnelLine(
                label=label,
                visitors=visitors,
                events=totals[f"events_{n}"],
                share_of_starts=round(visitors / starters, 3) if starters else None,
                drop_off=drop_off,
            )
        )
    return FunnelNumbers(start=start, end=end, lines=tuple(lines))


@dataclass(frozen=True)
class SourceLine:
    source: str  # a SOURCES key, or "" for NO_SOURCE
    label: str
    visitors: int  # who came to the cream this way
    paid_orders: int  # paid orders from a result whose buyer last came this way
    revenue: Decimal


def funnel_sources(*, start: datetime.date, end: datetime.date) -> list[SourceLine]:
    """Per source: visitors who came to the cream that way, and the paid orders from results
    (with their revenue) of visitors whose latest way there before the order it was. Three
    queries."""
    kinds = FunnelEvent.Kind
    in_range = FunnelEvent.objects.filter(day__gte=start, day__lte=end)
    visitors = dict(
        in_range.filter(kind=kinds.PRODUCT_CLICK, step__in=list(SOURCES))
        .exclude(visitor_key="")
        .values("step")
        .annotate(n=Count("visitor_key", distinct=True))
        .values_list("step", "n")
    )
    orders = list(
        in_range.filter(kind=kinds.ORDER)
        .annotate(paid=_paid())
        .filter(paid=True)
        .values_list("order_number", "visitor_key", "created_at")
    )
    totals = dict(
        Order.objects.filter(number__in=[o[0] for o in orders]).values_list(
            "number", "total_incl_tax"
        )
    )
    clicks: dict[str, list[tuple[datetime.datetime, str]]] = {}
    keys = {key for _, key, _ in orders if key}
    for key, step, at in (
        FunnelEvent.objects.filter(kind=kinds.PRODUCT_CLICK, visitor_key__in=keys)
        .order_by("created_at")
        .values_list("visitor_key", "step", "created_at")
    ):
        clicks.setdefault(key, []).append((at, step))
    paid: dict[str, list[Decimal]] = {}
    for number, key, placed in orders:
        before = [step for at, step in clicks.get(key, []) if at <= placed and step in SOURCES]
        paid.setdefault(before[-1] if before else "", []).append(totals.get(number, Decimal(0)))
    return [
        SourceLine(
            source=source,
            label=label,
            visitors=visitors.get(source, 0),
            paid_orders=len(paid.get(source, [])),
            revenue=sum(paid.get(source, []), Decimal("0.00")),
        )
        for source, label in [*SOURCES.items(), ("", NO_SOURCE)]
    ]


@dataclass(frozen=True)
class ChartBar:
    label: str
    value_text: str  # printed beside the bar: the chart reads without colour
    y: int
    width: int
    value_x: int  # where value_text starts, right of the bar


@dataclass(frozen=True)
class FunnelChart:
    width: int
    height: int
    label_width: int
    label_x: int  # the labels end here, left of the bars
    bar_height: int
    bars: tuple[ChartBar, ...]


def funnel_chart(*, numbers: FunnelNumbers, width: int = 720) -> FunnelChart:
    """The main path as horizontal bars for an inline SVG: each bar's length is its share of
    the starting visitors, its numbers written beside it."""
    label_width, bar_height, gap, value_room = 260, 22, 10, 150
    room = width - label_width - value_room
    lines = [line for line in numbers.lines if line.label in MAIN_PATH]
    top = max((line.visitors for line in lines), default=0)
    bars = []
    for i, line in enumerate(lines):
        share = "" if line.share_of_starts is None else f", {round(line.share_of_starts * 100)} %"
        drop = ""
        if line.drop_off is not None:
            drop = f", {'−' if line.drop_off >= 0 else '+'}{abs(round(line.drop_off * 100))} %"
        bar_width = round(room * line.visitors / top) if top else 0
        bars.append(
            ChartBar(
                label=line.label,
                value_text=f"{line.visitors}{share}{drop}",
                y=i * (bar_height + gap),
                width=bar_width,
                value_x=label_width + bar_width + 6,
            )
        )
    return FunnelChart(
        width=width,
        height=len(bars) * (bar_height + gap),
        label_width=label_width,
        label_x=label_width - 8,
        bar_height=bar_height,
        bars=tuple(bars),
    )


def funnel_csv_rows(*, numbers: FunnelNumbers, sources: list[SourceLine]) -> list[list]:
    """The funnel page as CSV rows: the stages, then the sources."""
    rows: list[list] = [
        ["From", numbers.start.isoformat(), "to", numbers.end.isoformat()],
        ["Stage", "Visitors", "Events", "Share of starting visitors", "Drop-off"],
    ]
    for line in numbers.lines:
        rows.append(
            [
                line.label,
                line.visitors,
                line.events,
                "" if line.share_of_starts is None else line.share_of_starts,
                "" if line.drop_off is None else line.drop_off,
            ]
        )
    rows += [[], ["Source", "Visitors", "Paid orders from a result", "Revenue"]]
    rows += [[s.label, s.visitors, s.paid_orders, f"{s.revenue:.2f}"] for s in sources]
    return rows
