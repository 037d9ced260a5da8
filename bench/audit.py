"""`make audit`: Lighthouse (mobile preset) on the shop served like production.

Builds a throw-away shop in var/audit/ (SQLite, store loaded, collectstatic), serves it with
gunicorn and production settings (DEBUG off, ALLOWED_HOSTS 127.0.0.1, whitenoise), then runs the
npm `lighthouse` from node_modules against Debian's /usr/bin/chromium for each page and prints
scores, LCP and transferred bytes. The product page carries a 3000×3000 JPEG uploaded first, as
staff would upload a camera's photo. A page that does not answer 200 gets a row with the error.

Options: --port N (default 8401), --only NAME[,NAME], --keep (leave var/audit/ for inspection),
--strict (exit 1 when a page errors or misses a target). Environment: AUDIT_RESULT_PATH to audit
a given result page instead of walking the self-check to one.
"""

import argparse
import html.parser
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "audit"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --no-first-run --disable-sync"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGET_SCORE = 100
TARGET_LCP_MS = 1200
BUDGET_KB = {"product": 60, "self-check step": 40}  # gzipped bytes over the wire, all assets
# Misses that are the contract, not a defect: a result is private (`noindex`, PRODUCT.md), which
# Lighthouse's SEO category counts against it ("Page is blocked from indexing").
EXPECTED = {"result": {"seo": {"is-crawlable"}}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("AUDIT_PORT", "8401")))
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--strict", action="store_true")
    parser.add_argument(
        "--runs", type=int, default=5, help="Lighthouse runs per page; the median run is shown"
    )
    args = parser.parse_args()
    for tool, hint in ((CHROMIUM, "apt-get install -y chromium"), (LIGHTHOUSE, "npm ci")):
        if not Path(tool).exists():
            sys.exit(f"audit: {tool} is missing ({hint}; `make audit` does both)")

    base = f"http://127.0.0.1:{args.port}"
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", args.port)) == 0:
            sys.exit(f"audit: something already listens on port {args.port}; stop it or use --port")
    env = _production_env(base)
    _prepare(env)
    server = _serve(env, args.port)
    try:
        _wait_until_up(base, server)
        pages = _pages(base)
        if args.only:
            wanted = {n.strip() for n in args.only.split(",")}
            pages = [p for p in pages if p[0] in wanted]
        rows = [_median_run(base, name, path, headers, args.runs) for name, path, headers in pages]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(WORK / "static", ignore_errors=True)
    ok = _report(rows)
    return 1 if args.strict and not ok else 0


# --- The shop, served like production ------------------------------------------------------


def _production_env(base: str) -> dict:
    WORK.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{WORK / 'db.sqlite3'}",
        # One cache for both gunicorn workers, as Redis is in production: with a per-process
        # locmem cache the cached_db sessions go stale between workers (the self-check loses steps).
        CACHE_URL=f"filecache://{WORK / 'cache'}",
        CELERY_BROKER_URL="memory://",
        CELERY_RESULT_BACKEND="cache+memory://",
        SITE_URL=base,
        STATIC_ROOT=str(WORK / "static"),
        MEDIA_ROOT=str(WORK / "media"),
        # Plain HTTP on 127.0.0.1: no redirect to HTTPS, no HSTS; everything else as production.
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_HSTS_SECONDS="0",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        # Production refuses to boot without Stripe keys; no audited page talks to Stripe.
        STRIPE_SECRET_KEY="sk_test_audit_not_used",
        STRIPE_WEBHOOK_SECRET=secrets.token_urlsafe(24),
        STRIPE_API_BASE="http://127.0.0.1:9",
        WEB_CONCURRENCY="2",
        LOG_LEVEL="WARNING",
    )
    return env


def _prepare(env: dict) -> None:
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (
        ["migrate", "--noinput"],
        ["store_setup"],
        ["guidance_setup"],
        ["collectstatic", "--noinput"],
    ):
        subprocess.run(manage + command + ["-v", "0"], env=env, cwd=ROOT, check=True)
    subprocess.run(manage + ["shell", "-c", UPLOAD_PHOTO], env=env, cwd=ROOT, check=True)


# The product page is measured as staff leave it: one 3000×3000 JPEG uploaded, as a camera makes
# it (a gradient with grain, so it weighs what a photo weighs, ~1 MB), replacing any earlier one.
UPLOAD_PHOTO = """
import io
from django.core.files.base import ContentFile
from oscar.core.loading import get_model
from PIL import Image, ImageChops

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
size = (3000, 3000)
light = Image.radial_gradient("L").resize(size)
grain = Image.effect_noise(size, 24)
photo = Image.merge(
    "RGB", (ImageChops.add(light, grain, 2, 40), ImageChops.add(light, grain, 1.6, 60), light)
)
buffer = io.BytesIO()
photo.save(buffer, "JPEG", quality=88)
product = Product.objects.filter(structure="parent").first() or Product.objects.first()
ProductImage.objects.filter(product=product).delete()
image = ProductImage(product=product, caption="A jar of Infused ReLeaf", display_order=0)
image.original.save("audit-jar-3000.jpg", ContentFile(buffer.getvalue()), save=True)
print(f"audit: uploaded a 3000x3000 JPEG ({buffer.tell() // 1024} KiB) to {product.title}")
"""


def _serve(env: dict, port: int) -> subprocess.Popen:
    env = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}")
    log = (WORK / "gunicorn.log").open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "bench.wsgi"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None:
            sys.exit(f"audit: gunicorn exited ({server.returncode}); see {WORK / 'gunicorn.log'}")
        try:
            urllib.request.urlopen(base + "/", timeout=5).read()
            return
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                sys.exit(f"audit: the shop did not answer on {base}; see {WORK / 'gunicorn.log'}")
            time.sleep(0.5)


# --- What to audit ----------------------------------------------------------------------------


class _Client:
    """A tiny cookie-keeping HTTP client (the cookies are Secure, so http.cookiejar drops them)."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}

    def request(
        self, path: str, data: dict | None = None, referer: str = ""
    ) -> tuple[int, str, str]:
        url = urllib.parse.urljoin(self.base, path)
        for _ in range(10):
            body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
            req = urllib.request.Request(url, data=body, headers={"Cookie": self.cookie_header})
            if referer:
                req.add_header("Referer", urllib.parse.urljoin(self.base, referer))
            try:
                response = urllib.request.build_opener(_NoRedirect).open(req, timeout=30)
                status = response.status
            except urllib.error.HTTPError as exc:
                response, status = exc, exc.code
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";")[0].strip('"')
            if status in (301, 302, 303) and response.headers.get("Location"):
                url, data = urllib.parse.urljoin(url, response.headers["Location"]), None
                continue
            return status, url, response.read().decode("utf-8", "replace")
        raise RuntimeError(f"too many redirects from {path}")

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _pages(base: str) -> list[tuple[str, str | None, dict | str]]:
    """(name, path, extra request headers) per page; a str instead of headers is an error."""
    client = _Client(base)
    _, _, catalogue = client.request("/catalogue/")
    product = re.search(r'href="(/catalogue/[\w-]+_\d+/)"', catalogue)
    product_path = product.group(1) if product else None
    basket: dict | str = "no product found on /catalogue/"
    if product_path:
        try:
            basket = _basket_with_a_line(client, product_path)
        except Exception as exc:  # noqa: BLE001 - reported in the basket's row
            basket = f"could not fill a basket: {exc}"
    step_path, step = _self_check_step_path(base)
    result_path, result = _result_path(base)
    return [
        ("home", "/", {}),
        ("self-check step", step_path, step),
        ("result", result_path, result),
        ("technique", "/guidance/techniques/twists/", {}),
        ("catalogue", "/catalogue/", {}),
        ("product", product_path, {} if product_path else "no product found on /catalogue/"),
        ("basket", "/basket/", basket),
    ]


def _basket_with_a_line(client: _Client, product_path: str) -> dict:
    _, _, page = client.request(product_path)
    form = _forms(page, lambda f: "/basket/add/" in f["action"])[0]
    status, url, _ = client.request(form["action"], form["data"], referer=product_path)
    if status != 200:
        raise RuntimeError(f"adding to the basket answered {status} at {url}")
    return {"Cookie": client.cookie_header}


SELF_CHECK_STEP = "/guidance/self-check/arch/"  # the heaviest step: text, illustration, two groups


def _self_check_step_path(base: str) -> tuple[str | None, dict | str]:
    """The arch step, reached by walking the steps before it (it redirects to them otherwise)."""
    return _walk_self_check(base, lambda url: url.endswith(SELF_CHECK_STEP), SELF_CHECK_STEP)


def _result_path(base: str) -> tuple[str | None, dict | str]:
    """A result page: AUDIT_RESULT_PATH, or walk the self-check answering each form's defaults."""
    if path := os.environ.get("AUDIT_RESULT_PATH"):
        return path, {}
    return _walk_self_check(base, lambda url: "/guidance/results/" in url, "a result")


def _walk_self_check(base: str, arrived, goal: str) -> tuple[str | None, dict | str]:
    """Answer each step with its forms' first choices (all "no" on the safety screen) until
    `arrived(url)`; returns that page's path and the session cookie to audit it with."""
    client = _Client(base)
    status, url, page = client.request("/guidance/self-check/")
    for _ in range(12):
        if status == 200 and arrived(url):
            return urllib.parse.urlsplit(url).path, {"Cookie": client.cookie_header}
        forms = _forms(page, lambda f: f["method"] == "post")
        if status != 200 or not forms:
            return None, f"could not walk the self-check to {goal} (HTTP {status} at {url})"
        form = forms[0]
        status, url, page = client.request(form["action"] or url, form["data"], referer=url)
    return None, f"the self-check did not reach {goal} in 12 steps"


class _FormParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                {"action": a.get("action", ""), "method": a.get("method", "get").lower()}
            )
            self.forms[-1]["data"] = {}
            return
        if tag == "button" and a.get("type", "submit").lower() == "submit" and self.forms:
            if not a.get("name"):  # an unnamed first submit button still counts as the one
                self.forms[-1].setdefault("submitter", True)
                return
        if not self.forms or not a.get("name"):
            return
        data = self.forms[-1]["data"]
        name, kind = a["name"], a.get("type", "text").lower()
        if tag == "input" and kind in ("radio", "checkbox"):
            # The first choice of every group (or the one already checked): enough to move on.
            if "checked" in a or name not in data:
                data[name] = a.get("value", "on")
        elif tag == "input" and kind not in ("submit", "button", "image", "reset"):
            data.setdefault(name, a.get("value", ""))
        elif tag == "textarea":
            data.setdefault(name, "")
        elif tag == "button" and kind == "submit" and not self.forms[-1].get("submitter"):
            # Only the form's first submit button: the one Enter presses (Next, not Back).
            self.forms[-1]["submitter"] = True
            data[name] = a.get("value", "")


def _forms(page: str, keep) -> list[dict]:
    parser = _FormParser()
    parser.feed(page)
    # Selects: their first non-empty option.
    for form in parser.forms:
        for name in re.findall(r'<select[^>]*name="([^"]+)"', page):
            if name not in form["data"]:
                options = re.search(
                    rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S
                )
                values = re.findall(
                    r'<option[^>]*value="([^"]+)"', options.group(1) if options else ""
                )
                if values:
                    form["data"][name] = values[0]
    return [f for f in parser.forms if keep(f)]


# --- Lighthouse -------------------------------------------------------------------------------


def _median_run(base: str, name: str, path: str | None, headers: dict | str, runs: int) -> dict:
    """Lighthouse's own advice: single runs vary (more so on a shared 2-core box); take the median."""
    if isinstance(headers, str):
        return _audit(base, name, path, headers)
    results, failed = [], None
    for run in range(max(1, runs)):
        for _attempt in range(3):  # Lighthouse now and then loses a trace (NO_NAVSTART): retry
            row = _audit(base, name, path, headers, run)
            if "error" not in row or row["error"].startswith("HTTP"):
                break
        if "error" in row:
            if row["error"].startswith("HTTP"):
                return row
            failed = row
            continue
        results.append(row)
    if not results:
        return failed
    results.sort(key=lambda r: (r["scores"]["performance"] or 0, -r["lcp_ms"]))
    median = results[len(results) // 2]
    median["perf_runs"] = sorted(r["scores"]["performance"] or 0 for r in results)
    return median


def _audit(base: str, name: str, path: str | None, headers: dict | str, run: int = 0) -> dict:
    row = {"name": name, "path": path or "-", "report": None}
    if isinstance(headers, str):
        return dict(row, error=headers)
    status, url = _status(base + path, headers)
    if status != 200:
        return dict(row, error=f"HTTP {status} at {url} (not audited)")
    slug = re.sub(r"\W+", "-", name)
    report = WORK / f"lighthouse-{slug}-{run + 1}.json"
    command = [
        str(LIGHTHOUSE),
        base + path,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--chrome-path={CHROMIUM}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--only-categories=" + ",".join(CATEGORIES),
    ]
    if headers:
        header_file = WORK / f"headers-{slug}.json"
        header_file.write_text(json.dumps(headers))
        command.append(f"--extra-headers={header_file}")
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if done.returncode or not report.exists():
        return dict(row, error=f"lighthouse failed: {(done.stderr or done.stdout)[-300:]}")
    data = json.loads(report.read_text())
    if data.get("runtimeError"):
        return dict(row, error=f"lighthouse: {data['runtimeError'].get('code')}")
    audits = data["audits"]
    row["report"] = report.name
    row["scores"] = {
        c: (
            None
            if data["categories"][c]["score"] is None
            else round(data["categories"][c]["score"] * 100)
        )
        for c in CATEGORIES
    }
    row["lcp_ms"] = audits["largest-contentful-paint"]["numericValue"]
    row["bytes"] = audits["total-byte-weight"]["numericValue"]
    row["requests"] = len(audits["network-requests"]["details"]["items"])
    row["missed_by_category"] = {
        c: sorted(
            a["id"]
            for a in data["categories"][c]["auditRefs"]
            if a.get("weight")
            and audits[a["id"]].get("score") is not None
            and audits[a["id"]]["score"] < 1
        )
        for c in CATEGORIES
        if c != "performance"
    }
    row["missed"] = sorted({a for ids in row["missed_by_category"].values() for a in ids})
    return row


def _status(url: str, headers: dict) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.url
    except urllib.error.HTTPError as exc:
        return exc.code, url
    except urllib.error.URLError as exc:
        return 0, f"{url}: {exc.reason}"


def _report(rows: list[dict]) -> bool:
    print()
    print("Lighthouse, mobile preset (simulated slow 4G, 4x CPU slowdown); median of the runs")
    print(
        f"targets: {TARGET_SCORE} in every category, LCP < {TARGET_LCP_MS} ms; budgets {BUDGET_KB} KB"
    )
    header = (
        f"{'page':<16} {'Perf':>4} {'A11y':>4} {'BP':>4} {'SEO':>4} {'LCP ms':>7} {'KiB':>6} "
        f"{'req':>4}  {'Perf runs':<19} path"
    )
    print(header)
    print("-" * len(header))
    all_ok = True
    for row in rows:
        if "error" in row:
            all_ok = False
            print(f"{row['name']:<16} ERROR: {row['error']}  ({row['path']})")
            continue
        s = row["scores"]
        kb = row["bytes"] / 1024
        print(
            f"{row['name']:<16} {s['performance']!s:>4} {s['accessibility']!s:>4} "
            f"{s['best-practices']!s:>4} {s['seo']!s:>4} {row['lcp_ms']:>7.0f} {kb:>6.1f} "
            f"{row['requests']:>4}  {','.join(map(str, row.get('perf_runs', []))):<19} {row['path']}"
        )
        expected = EXPECTED.get(row["name"], {})
        excused = [
            c
            for c in expected
            if s[c] != TARGET_SCORE and set(row["missed_by_category"][c]) <= expected[c]
        ]
        misses = [c for c in CATEGORIES if s[c] != TARGET_SCORE and c not in excused]
        row["missed"] = [a for a in row["missed"] if not any(a in expected[c] for c in excused)]
        for c in excused:
            print(
                f"{'':<16} expected: {c.upper()} {s[c]} only for {', '.join(sorted(expected[c]))} (noindex by contract)"
            )
        if row["lcp_ms"] >= TARGET_LCP_MS:
            misses.append("LCP")
        if row["name"] in BUDGET_KB and kb > BUDGET_KB[row["name"]]:
            misses.append("byte budget")
        if misses or row["missed"]:
            all_ok = False
            print(
                f"{'':<16} misses: {', '.join(misses) or '-'}; failing audits: {', '.join(row['missed']) or '-'}"
            )
    print()
    print(
        "all pages meet the targets" if all_ok else "some pages miss the targets or errored (above)"
    )
    print(f"full reports: {WORK}/lighthouse-<page>-<run>.json")
    return all_ok


if __name__ == "__main__":
    sys.exit(main())
