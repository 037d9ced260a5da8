"""`make bench`: our shop, stock Oscar 4.2.1 and a bare Django view, load-tested in one run.

    .venv/bin/python -m bench.run [--duration 5] [--connections 8,32] [--shoppers 32]
        [--purchase-duration 60] [--only pages,purchase,followups]

1. Prepares two databases on the same data (store_setup + generated products): ours and stock
   Oscar's (bench/settings/stock_oscar.py). SQLite files and a file cache in var/bench/, or, when
   DATABASE_URL names PostgreSQL, the databases `releaf_bench` and `releaf_bench_stock` on that
   server, with CACHE_URL's Redis under the key prefixes bench-ours / bench-stock.
2. Counts SQL queries per page with the Django test client at 20 and at 2,000 products
   (bench/pages.py), and prepares the requests to replay (baskets with their cookies, ...).
3. Serves all three with gunicorn (config/gunicorn.py, sync workers, DEBUG off, collectstatic
   done) on 127.0.0.1:8501-8503 and runs wrk against every page at each connection count,
   interleaving the configurations page by page so machine drift hits them alike. The signed-in
   rows replay a signed-in customer's session cookie on both (rendered: no page cache).
4. Purchase under load (bench/purchase.py): ours alone with PURCHASE_WORKERS gunicorn workers,
   the Stripe stand-in on 127.0.0.1:8504 (webhooks to the served shop) and one Celery worker;
   --shoppers buy for --purchase-duration seconds, then the database is checked.
5. Prints the tables and writes them to bench/results/latest.md (and the raw numbers as JSON).
Only ratios within one run mean anything: absolute numbers drift with the machine's load.
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.pages import PAGES, SIGNED_IN

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
HOST = "127.0.0.1"
PORTS = {"ours": 8501, "stock": 8502, "bare": 8503}
STANDIN_PORT = 8504  # the purchase row's Stripe stand-in
# followups: bench/followups_rate.py empties its follow-up tables, so it gets a database of its own.
DATABASES = {
    "ours": "releaf_bench",
    "stock": "releaf_bench_stock",
    "followups": "releaf_bench_followups",
}
SETTINGS = {
    "ours": "bench.settings.ours",
    "stock": "bench.settings.stock_oscar",
    "bare": "bench.settings.bare",
}
PRODUCT_COUNTS = (20, 2000)
STOCK_NOTES = {
    "home": "a redirect to the catalogue (Oscar has no home page)",
    "catalogue": "Oscar's Haystack catalogue on a Whoosh index (SimpleEngine would list "
    "no products, Oscar #4366); each hit loads its product with queries of its own",
}
WARM_TIMES = 6  # requests before a page's measured rows
WORKERS = "2"  # gunicorn sync workers: one per core on the 2-core reference machine
# The purchase row's web workers: its requests wait on the stand-in and on PostgreSQL's commits,
# so 4 keep the cores busy there; SQLite takes one writer at a time, and 2 already queue on it.
PURCHASE_WORKERS = {"PostgreSQL + Redis": "4", "SQLite + file cache": "2"}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- environment per configuration ------------------------------------------------------------


def _variant() -> dict:
    """Which backends this run uses: PostgreSQL + Redis when DATABASE_URL says so, else embedded."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        cache = os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/0")
        return {"name": "PostgreSQL + Redis", "database": url, "cache": cache}
    return {"name": "SQLite + file cache", "database": None, "cache": None}


def _env(config: str, variant: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CACHE_URL")}
    env["DJANGO_SETTINGS_MODULE"] = SETTINGS[config]
    env["PYTHONPATH"] = str(ROOT)
    if config == "bare":
        return env
    if variant["database"]:
        parts = urlsplit(variant["database"])
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{DATABASES[config]}"))
        env["CACHE_URL"] = variant["cache"]
    else:
        env["DATABASE_URL"] = f"sqlite:///{VAR / f'{config}.sqlite3'}"
        env["CACHE_URL"] = f"filecache://{VAR / f'cache-{config}'}"
    env["BENCH_CACHE_PREFIX"] = f"bench-{config}"
    if config == "ours":
        # Every bench client is 127.0.0.1: one visitor to the code rate limit (10 a minute), which
        # refused all but the first ten /code/ requests of a row and every shopper's code after.
        env["SHOP_CODE_RATE_LIMIT"] = "100000000/m"
        env["SHOP_CODE_RATE_LIMIT_PER_ADDRESS"] = "100000000/m"  # every bench client is 127.0.0.1
        # The purchase row pays on the bench's own stand-in, never on Stripe, whatever is set.
        env.update(STRIPE_SECRET_KEY="", STRIPE_WEBHOOK_SECRET="")
        env["STRIPE_API_BASE"] = f"http://{HOST}:{STANDIN_PORT}"
        env["CELERY_BROKER_URL"] = "filesystem://"
        env["CELERY_BROKER_DIR"] = str(VAR / "broker")
        env["EMAIL_BACKEND"] = "shop.followups.backends.OutboxEmailBackend"
        env["EMAIL_FILE_PATH"] = str(VAR / "outbox")
    return env


def _manage(config: str, variant: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=_env(config, variant),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"{config}: manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def _database_create(config: str, variant: dict) -> None:
    if not variant["database"]:
        return
    import psycopg

    admin = urlunsplit(urlsplit(variant["database"])._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        name = DATABASES[config]
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def _prepare(config: str, variant: dict) -> dict:
    """Migrate, collect static files, count queries at each size; return the plan at the last."""
    log(f"{config}: database and static files")
    _database_create(config, variant)
    _manage(config, variant, "migrate", "--noinput", "-v0")
    _manage(config, variant, "collectstatic", "--noinput", "-v0")
    plan: dict = {}
    for products in PRODUCT_COUNTS:
        log(f"{config}: {products} products, counting queries per page")
        _manage(config, variant, "bench_data", "--products", str(products), "--clear-cache")
        if config == "stock":  # Oscar's catalogue lists what its search index holds
            _manage(config, variant, "rebuild_index", "--noinput")
        out = VAR / f"plan-{config}-{products}.json"
        result = subprocess.run(
            [PYTHON, "-m", "bench.pages", "--out", str(out)],
            cwd=ROOT,
            env=_env(config, variant),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            sys.exit(f"{config}: bench.pages failed:\n{result.stderr[-4000:]}")
        pages = json.loads(out.read_text())
        for key, spec in pages.items():
            entry = plan.setdefault(key, {})
            entry.update({k: v for k, v in spec.items() if k != "queries"})
            if "queries" in spec:
                entry.setdefault("queries", {})[products] = spec["queries"]
    return plan


# --- servers ----------------------------------------------------------------------------------


def _serve(config: str, variant: dict, workers: str = WORKERS) -> subprocess.Popen:
    env = _env(config, variant)
    env.update(
        GUNICORN_BIND=f"{HOST}:{PORTS[config]}", WEB_CONCURRENCY=workers, GUNICORN_THREADS="1"
    )
    logfile = (VAR / f"gunicorn-{config}.log").open("w")
    return subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=logfile,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _request(url: str, spec: dict | None = None) -> int:
    spec = spec or {}
    data = spec.get("body", "").encode() if spec.get("method") == "POST" else None
    request = urllib.request.Request(url, data=data, method=spec.get("method", "GET"))
    if spec.get("cookie"):
        request.add_header("Cookie", spec["cookie"])
    if data is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _wait_until_up(config: str, process: subprocess.Popen) -> None:
    url = f"http://{HOST}:{PORTS[config]}/"
    for _ in range(120):
        if process.poll() is not None:
            sys.exit(f"{config}: gunicorn exited, see {VAR / f'gunicorn-{config}.log'}")
        try:
            _request(url)
            return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"{config}: gunicorn did not answer on {url}")


def _stop(processes: dict) -> None:
    for process in processes.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes.values():
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


# --- load -------------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def _wrk(url: str, spec: dict, connections: int, duration: int) -> dict:
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "--latency",
    ]
    if spec.get("cookie"):
        command += ["-H", f"Cookie: {spec['cookie']}"]
    if spec.get("method") == "POST":
        script = VAR / "post.lua"
        script.write_text(
            'wrk.method = "POST"\n'
            f"wrk.body = {json.dumps(spec['body'])}\n"
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        )
        command += ["-s", str(script)]
    output = subprocess.run(command + [url], capture_output=True, text=True).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rate is None:
        return {"error": output.strip()[-300:] or "wrk printed nothing"}
    latency = {k: _ms(v) for k, v in re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.M)}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    return {
        # None when no request finished within the run: slower than one per run.
        "rps": float(rate.group(1)) if requests else None,
        "p50": latency.get("50") if requests else None,
        "p99": latency.get("99") if requests else None,
        "bad": int(bad.group(1)) if bad else 0,
        "socket_errors": sum(map(int, socket.groups())) if socket else 0,
        "requests": requests,
    }


def _mean(first: dict, second: dict) -> dict:
    """The bare view runs before and after the pages; compare with the mean of both."""
    if "rps" not in first or "rps" not in second:
        return first if "rps" in first else second
    mean = {key: first[key] + second[key] for key in ("bad", "socket_errors", "requests")}
    for key in ("rps", "p50", "p99"):
        values = [v for v in (first[key], second[key]) if v is not None]
        mean[key] = sum(values) / len(values) if values else None
    return mean


def _warm(config: str, spec: dict) -> None:
    url = f"http://{HOST}:{PORTS[config]}{spec['path']}"
    for _ in range(WARM_TIMES):
        _request(url, spec)


# --- purchase under load (bench/purchase.py) -----------------------------------------------------


def _standin_serve(variant: dict) -> subprocess.Popen:
    """The Stripe stand-in, its webhooks POSTed to the served shop (they race the return page)."""
    logfile = (VAR / "standin.log").open("w")
    webhook = f"http://{HOST}:{PORTS['ours']}/checkout/stripe/webhook/"
    return subprocess.Popen(
        [PYTHON, "-m", "shop.payment.standin", "--port", str(STANDIN_PORT)]
        + ["--webhook-url", webhook],
        cwd=ROOT,
        env=_env("ours", variant),
        stdout=logfile,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _celery_serve(variant: dict) -> subprocess.Popen:
    """One Celery worker (solo pool) for the confirmation emails paid orders enqueue."""
    logfile = (VAR / "celery.log").open("w")
    return subprocess.Popen(
        [str(Path(PYTHON).parent / "celery"), "-A", "config", "worker", "--pool=solo"]
        + ["--concurrency=1", "--loglevel=WARNING", "--without-heartbeat", "--without-gossip"],
        cwd=ROOT,
        env=_env("ours", variant),
        stdout=logfile,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _standin_events() -> list[dict]:
    url = f"http://{HOST}:{STANDIN_PORT}/_standin/events"
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.load(response)["data"]


def _webhooks_settled(timeout: float = 60) -> dict:
    """Wait until the stand-in delivered every event (or gave up); count the answers."""
    deadline = time.time() + timeout
    while True:
        events = _standin_events()
        undelivered = [e for e in events if not e["delivered"]]
        if not undelivered or time.time() > deadline:
            break
        time.sleep(1)
    attempts = [a for e in events for a in e["attempts"]]
    return {
        "events": len(events),
        "undelivered": len(undelivered),
        "refused": sum(1 for a in attempts if not 200 <= a["status"] < 300),
        "attempts": len(attempts),
    }


def _purchase_load(plan: dict, shoppers: int, duration: float, think: float) -> dict:
    done = subprocess.run(
        [PYTHON, "-m", "bench.purchase", "load", "--shop", f"http://{HOST}:{PORTS['ours']}"]
        + ["--standin", f"http://{HOST}:{STANDIN_PORT}", "--product", plan["product"]["path"]]
        + ["--shoppers", str(shoppers), "--duration", str(duration), "--think", str(think)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return {"error": done.stderr[-2000:]}
    return json.loads(done.stdout)


def _purchase_run(variant: dict, plan: dict, args) -> dict:
    """Serve ours (PURCHASE_WORKERS), the stand-in and a Celery worker; N shoppers buy for
    args.purchase_duration seconds; then check the database (bench/purchase.py check)."""
    if "path" not in plan.get("product", {}):
        return {"error": "no product page on this branch"}
    shutil.rmtree(VAR / "broker", ignore_errors=True)  # no tasks left over from an earlier run
    after = int(
        _manage(
            "ours",
            variant,
            "shell",
            "-c",
            "from oscar.core.loading import get_model\n"
            "print(get_model('order', 'Order').objects.order_by('-pk').values_list('pk', flat=True)"
            ".first() or 0)",
        ).split()[-1]
    )
    workers = PURCHASE_WORKERS[variant["name"]]
    processes = {
        "standin": _standin_serve(variant),
        "ours": _serve("ours", variant, workers),
        "celery": _celery_serve(variant),
    }
    try:
        _wait_until_up("ours", processes["ours"])
        log(f"purchase: warming up ({workers} web workers)")
        warm = _purchase_load(plan, 2, 2, 0)
        log(
            f"purchase: {args.shoppers} shoppers for {args.purchase_duration:g} s"
            f" (warm-up: {warm.get('purchases')} purchases, {warm.get('errors')} errors)"
        )
        result = _purchase_load(plan, args.shoppers, args.purchase_duration, args.think)
        if "error" in result:
            return result
        result["workers"] = workers
        result["webhooks"] = _webhooks_settled()
        sessions = VAR / "purchase-sessions.json"
        sessions.write_text(json.dumps(result.pop("sessions")))
        done = subprocess.run(
            [PYTHON, "-m", "bench.purchase", "check", "--standin", f"http://{HOST}:{STANDIN_PORT}"]
            + ["--after-order", str(after), "--sessions", str(sessions)],
            cwd=ROOT,
            env=_env("ours", variant),
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            result["checks"] = [
                {"check": "the check ran", "ok": False, "detail": done.stderr[-600:]}
            ]
        else:
            result["checks"] = json.loads(done.stdout)
        return result
    finally:
        _stop(processes)


def _purchase_summary(result: dict) -> str:
    if "error" in result:
        return f"error: {result['error'][-400:]}"
    failed = [c["check"] for c in result["checks"] if not c["ok"]]
    return (
        f"{result['purchases']} purchases, {result['rate']:.1f}/s, {result['errors']} errors, "
        f"checks failed: {failed or 'none'}"
    )


PURCHASE_P99_MS = 250
PURCHASE_SHOPPERS = 32


def _purchase_report(result: dict | None, args) -> str:
    if not result:
        return "Not run (--only)."
    if "error" in result:
        return f"Not measured: {result['error']}"
    rows = []
    for key, step in result["steps"].items():
        rows.append(
            [
                step["label"] + ("" if step["server"] == "ours" else " (not ours)"),
                str(step["count"]),
                "–" if step["p50"] is None else f"{step['p50']:.1f}",
                "–" if step["p99"] is None else f"{step['p99']:.1f}",
                str(result["errors_by_step"].get(key, 0)),
            ]
        )
    table = _table(rows, ["step", "done", "p50 ms", "p99 ms", "errors"])
    generator = result["generator"]
    hooks = result["webhooks"]
    checks = "\n".join(
        f"- {'pass' if c['ok'] else '**FAIL**'}: {c['check']} ({c['detail']})"
        for c in result["checks"]
    )
    ours = {k: s for k, s in result["steps"].items() if s["server"] == "ours"}
    slow = [
        f"{s['label']} ({s['p99']:.0f} ms)"
        for s in ours.values()
        if (s["p99"] or 0) >= PURCHASE_P99_MS
    ]
    failed = sum(1 for c in result["checks"] if not c["ok"])
    errors = result["errors"] + hooks["undelivered"]
    at_32 = result["shoppers"] == PURCHASE_SHOPPERS
    samples = "".join(
        f"\n    - {e['step']}: {e['error'][:300]}" for e in result["error_samples"][:5]
    )
    targets = [
        f"- zero errors: {errors} (shoppers' steps: {result['errors']}, webhooks undelivered: "
        f"{hooks['undelivered']}): **{'met' if not errors else 'NOT met'}**{samples}",
        f"- zero invariant violations: {failed}: **{'met' if not failed else 'NOT met'}**",
        f"- p99 < {PURCHASE_P99_MS} ms for every step of ours at {PURCHASE_SHOPPERS} shoppers: "
        + (
            f"**{'NOT met**: ' + ', '.join(slow) if slow else 'met**'}"
            if at_32
            else f"n/a (this run had {result['shoppers']} shoppers)"
        ),
    ]
    return f"""{result["shoppers"]} shoppers, each reading every page for {args.think:g} s on average
(`--think`), for {result["duration"]:g} s against ours served by
gunicorn with {result["workers"]} sync workers, the Stripe stand-in (its webhooks to the served
shop, racing the return page) and one Celery worker (solo pool: confirmation emails).
**{result["purchases"]:,} purchases completed, {result["rate"]:.1f} a second**
({result["elapsed"]:.1f} s until the last shopper finished the purchase under way). Webhooks:
{hooks["events"]:,} events, {hooks["attempts"]:,} deliveries, {hooks["refused"]} answered
non-2xx or not at all, {hooks["undelivered"]} never delivered. The load generator used
{generator["cpu_seconds"]:.1f} CPU seconds in {generator["processes"]} processes
({generator["share_of_a_core"]:.0%} of one core, {generator["ms_per_purchase"]:.1f} ms a
purchase).

{table}

Checks on the database afterwards:

{checks}

Targets:

{chr(10).join(targets)}"""


# --- report -----------------------------------------------------------------------------------


def _fmt_rate(result: dict | None) -> list[str]:
    if result is None:
        return ["n/a", "", "", ""]
    if "error" in result:
        return ["error", "", "", result["error"][:40]]
    if result["rps"] is None:
        return ["0 (none done)", "–", "–", str(result["bad"] + result["socket_errors"])]
    return [
        f"{result['rps']:.0f}",
        "–" if result["p50"] is None else f"{result['p50']:.1f}",
        "–" if result["p99"] is None else f"{result['p99']:.1f}",
        str(result["bad"] + result["socket_errors"]),
    ]


def _ratio(a: dict | None, b: dict | None, duration: int = 5) -> str:
    if a and b and a.get("rps") and "rps" in b and b["rps"] is None:
        return f"> {a['rps'] * duration:.0f}×"  # b finished no request within the run
    if not a or not b or not a.get("rps") or not b.get("rps"):
        return "n/a"
    return f"{a['rps'] / b['rps']:.1f}×" if a["rps"] >= b["rps"] else f"{a['rps'] / b['rps']:.2f}×"


def _queries(spec: dict | None) -> str:
    if not spec or "queries" not in spec:
        return "n/a"
    counts = [spec["queries"].get(str(n)) or spec["queries"].get(n) for n in PRODUCT_COUNTS]
    if None in counts:
        return "n/a"
    text = " / ".join(str(c["render"]) for c in counts)
    repeat = counts[-1]["repeat"]
    if repeat != counts[-1]["render"]:
        text += f" (cached: {repeat})"
    writes = counts[-1]["render_writes"]
    if writes:
        text += f", {writes} write{'s' if writes > 1 else ''}"
    return text


def _table(rows: list[list[str]], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _bare_for(bare: dict, key: str, connections: int) -> dict:
    """The bare view measured next to this page if it was, else the run's mean."""
    return (bare.get(key) or {}).get(connections) or bare.get(connections) or {}


def _targets(plans, results, connections, duration) -> str:
    """Issue 7's targets, checked against this run."""
    ours, stock, bare = results["ours"], results["stock"], results.get("bare", {})
    lines = _stock_targets(ours, stock, connections, duration)
    lines += _bare_targets(ours, bare, connections)
    lines += _load_targets(plans["ours"], ours, connections)
    return "\n".join(lines)


def _rate(table: dict, key: str, connections: int):
    return (table.get(key, {}).get(connections) or {}).get("rps")


def _verdict(misses: list[str]) -> str:
    return f"**NOT met**: {', '.join(misses)}" if misses else "**met**"


def _stock_targets(ours, stock, connections, duration) -> list[str]:
    """Each page's rate at least so many times stock Oscar's."""
    labels = {key: label for key, label, _ in PAGES}
    floors = [("product", 10), ("basket", 10), ("basket_code", 10), ("catalogue", 50)]
    floors += [(key, 10) for key, *_ in PAGES if key in SIGNED_IN]
    lines = []
    for key, floor in floors:
        ratios = _stock_ratios(ours, stock.get(key, {}), key, connections, duration)
        verdict = (
            "n/a" if not ratios else "met" if min(r for r, _ in ratios) >= floor else "NOT met"
        )
        shown = ", ".join(f"{'> ' if bound else ''}{r:.1f}×" for r, bound in ratios)
        lines.append(
            f"- {labels[key]} ≥ {floor}× stock Oscar: {shown or 'not measured'}: **{verdict}**"
        )
    return lines


def _stock_ratios(ours, stock_page, key, connections, duration) -> list[tuple[float, bool]]:
    """(our rate / stock Oscar's, is a lower bound: stock finished no request in the run) for
    each connection count measured on both."""
    ratios = []
    for c in connections:
        mine, theirs = _rate(ours, key, c), (stock_page.get(c) or {})
        if mine and theirs.get("rps"):
            ratios.append((mine / theirs["rps"], False))
        elif mine and "rps" in theirs:
            ratios.append((mine * duration, True))
    return ratios


def _bare_targets(ours, bare, connections) -> list[str]:
    """The guidance pages' rate at least half the bare Django view's."""
    lines = []
    for key, label, guidance in PAGES:
        if not guidance:
            continue
        ratios = [
            _rate(ours, key, c) / _bare_for(bare, key, c)["rps"]
            for c in connections
            if _rate(ours, key, c) and _bare_for(bare, key, c).get("rps")
        ]
        verdict = "n/a" if not ratios else "met" if min(ratios) >= 0.5 else "NOT met"
        shown = ", ".join(f"{r:.0%}" for r in ratios) or "not on this branch"
        lines.append(f"- {label} ≥ 50 % of the bare Django view: {shown}: **{verdict}**")
    return lines


def _load_targets(plans, ours, connections) -> list[str]:
    """p99 at the most connections, failed requests, and query counts, page by page."""
    worst = max(connections)
    slow, failing, signed_in_p99 = [], [], []
    for key, label, _ in PAGES:
        p99 = (ours.get(key, {}).get(worst) or {}).get("p99")
        if key in SIGNED_IN and p99 is not None:
            signed_in_p99.append(f"{label} {p99:.0f} ms")
        elif plans.get(key, {}).get("method") == "GET" and (p99 is None or p99 >= 100):
            slow.append(f"{label} ({p99 or '–'} ms)")
        failing += [f"{label} @{c}" for c in connections if _failed(ours.get(key, {}).get(c))]
    growing, heavy = _query_misses(plans)
    return [
        f"- p99 < 100 ms at {worst} connections for every anonymous GET: "
        + _verdict(slow)
        + (f" (signed in, no target: {', '.join(signed_in_p99)})" if signed_in_p99 else ""),
        "- zero non-2xx/3xx answers or socket errors under load (ours): " + _verdict(failing),
        f"- the same query count at {PRODUCT_COUNTS[0]} and {PRODUCT_COUNTS[-1]:,} products: "
        + _verdict(growing),
        "- at most 10 queries for any anonymous GET, rendered without the page cache: "
        + _verdict(heavy),
    ]


def _failed(result: dict | None) -> bool:
    """The load run had a non-2xx/3xx answer or a socket error (or says nothing of them)."""
    return bool(result) and bool(result.get("bad", 1) or result.get("socket_errors", 1))


def _query_misses(plans) -> tuple[list[str], list[str]]:
    """(GET pages whose query count grows with the catalogue, anonymous GET pages over 10)."""
    growing, heavy = [], []
    for key, label, _ in PAGES:
        spec = plans.get(key, {})
        counts = spec.get("queries", {})
        renders = [
            (counts.get(n) or counts.get(str(n)) or {}).get("render") for n in PRODUCT_COUNTS
        ]
        if None in renders or spec.get("method") != "GET":
            continue
        if len(set(renders)) > 1:
            growing.append(f"{label} ({' / '.join(map(str, renders))})")
        if max(renders) > 10 and key not in SIGNED_IN:
            signed_in = " signed in" if spec.get("note") else ""
            heavy.append(f"{label} ({max(renders)}{signed_in})")
    return growing, heavy


def _report(variant, plans, results, args, started) -> str:
    bare = results.get("bare", {})
    load_rows = []
    for key, label, _ in PAGES:
        for connections in args.connections:
            ours = results["ours"].get(key, {}).get(connections)
            stock = results["stock"].get(key, {}).get(connections)
            base = _bare_for(bare, key, connections)
            load_rows.append(
                [label if connections == args.connections[0] else "", str(connections)]
                + _fmt_rate(ours)
                + _fmt_rate(stock)
                + [_ratio(ours, stock, args.duration), _ratio(ours, base, args.duration)]
            )
    for connections in args.connections:
        load_rows.append(
            [
                "bare Django template view" if connections == args.connections[0] else "",
                str(connections),
            ]
            + _fmt_rate(bare.get(connections))
            + ["", "", "", "", "", ""]
        )
    load_rows.append(
        [
            "follow-up dispatcher (bench/followups_rate.py)",
            "1 worker",
            results.get("followups", "not run (--only)"),
        ]
        + [""] * 9
    )
    load = _table(
        load_rows,
        [
            "page",
            "conns",
            "ours req/s",
            "p50 ms",
            "p99 ms",
            "non-2xx/3xx",
            "stock req/s",
            "p50 ms",
            "p99 ms",
            "non-2xx/3xx",
            "ours/stock",
            "ours/bare",
        ],
    )
    query_rows = []
    for key, label, _ in PAGES:
        ours, stock = plans["ours"].get(key), plans["stock"].get(key)
        notes = [(ours or {}).get("na") or (ours or {}).get("note")]
        if key in STOCK_NOTES or (stock or {}).get("note"):
            notes.append(f"stock: {STOCK_NOTES.get(key) or stock['note']}")
        query_rows.append([label, _queries(ours), _queries(stock), "; ".join(filter(None, notes))])
    queries = _table(
        query_rows,
        ["page", "ours @20 / @2,000", "stock Oscar @20 / @2,000", "notes"],
    )
    machine = (
        f"{platform.node()}: {os.cpu_count()} cores, {platform.platform()}, "
        f"Python {platform.python_version()}"
    )
    return f"""# `make bench`: {variant["name"]}

Run {started:%Y-%m-%d %H:%M} UTC on {machine}. wrk {args.duration} s per row,
gunicorn with {WORKERS} sync workers per configuration, {PRODUCT_COUNTS[-1]:,} products in the
catalogue, DEBUG off. Ours and stock Oscar 4.2.1 serve the same data from their own database; the
bare Django view renders one template with no middleware (measured before and after the pages;
the mean is shown). Rows are interleaved page by page. Only
ratios within this run mean anything (absolute numbers drift 20-50 % between runs on shared
machines). Pages this branch does not have yet show n/a.

## Requests per second and latency

{load}

## Targets (issue 7), checked on this run

{_targets(plans, results, args.connections, args.duration)}
{_followups_target(results.get("followups"))}

Self-check answers under load: {results.get("funnel", "n/a")}.

## Purchase under load (bench/purchase.py)

{_purchase_report(results.get("purchase"), args)}

## SQL queries per request

Counted with the Django test client (CaptureQueriesContext) at {PRODUCT_COUNTS[0]} and
{PRODUCT_COUNTS[-1]:,} products, as rendered by the view (page cache off, the other caches warm:
what a visitor with a session costs); "cached" is what the same request costs once the page cache
holds it (visitors without a session); writes are INSERT/UPDATE/DELETE statements in a GET.

{queries}
"""


def _step_events(variant: dict, plan: dict) -> int | None:
    """How many funnel events count the step the benched self-check answer leads to."""
    step = plan.get("selfcheck_post", {}).get("counts_step")
    if step is None:
        return None
    code = (
        "from guidance.models import FunnelEvent\n"
        f"print(FunnelEvent.objects.filter(kind='step', step={step!r}).count())"
    )
    return int(_manage("ours", variant, "shell", "-c", code).split()[-1])


def _funnel_check(variant: dict, plan: dict, ours: dict, before: int | None) -> str:
    """Were all the benched answers counted? The events are written by a thread of each worker
    (guidance.batch), at the latest when the worker exits: the servers are stopped by now."""
    if before is None or "selfcheck_post" not in ours:
        return "n/a"
    answered = WARM_TIMES + sum(run["requests"] for run in ours["selfcheck_post"].values())
    written = _step_events(variant, plan) - before
    lost = max(answered - written, 0)
    return (
        f"{answered:,} self-check answers answered (wrk's completed requests and the warm-up), "
        f"{written:,} step events written by the funnel's batch thread: {lost:,} lost"
        + (
            f", {written - answered:,} more from requests still in flight when wrk stopped"
            if written > answered
            else ""
        )
    )


FOLLOWUPS_TARGET = (10_000, 30.0)  # issue 14: emails, seconds


def _followups_rate(variant: dict) -> str:
    """10,000 due follow-ups delivered by one real worker to a local SMTP server (issue 14): on
    PostgreSQL its own database and Redis as the broker, as production runs; else SQLite and
    the filesystem broker in a temporary folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CELERY_"))}
    if variant["database"]:
        _database_create("followups", variant)
        parts = urlsplit(variant["database"])
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{DATABASES['followups']}"))
        env["CELERY_BROKER_URL"] = variant["cache"]
    # Its own process group: a timeout stops the bench's Celery worker too, not only the bench.
    bench = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("followups_rate.py"))],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        stdout, stderr = bench.communicate(timeout=900)
    except subprocess.TimeoutExpired:
        os.killpg(bench.pid, signal.SIGKILL)
        stdout, stderr = bench.communicate()
    lines = [line for line in stdout.splitlines() if line.startswith("followups:")]
    return lines[-1] if lines else f"failed: {(stderr or stdout)[-300:]}"


def _followups_target(line: str | None) -> str:
    emails, seconds = FOLLOWUPS_TARGET
    found = re.match(r"followups: (\d+) delivered in ([\d.]+) s", line or "")
    if not found:
        verdict = "n/a (not run)" if line is None else "**NOT met** (the bench failed)"
    elif int(found[1]) != emails:
        verdict = f"n/a ({int(found[1]):,} emails, not {emails:,})"
    else:
        elapsed = float(found[2])
        verdict = f"{elapsed:.1f} s: **{'met' if elapsed < seconds else 'NOT met'}**"
    return f"- follow-up dispatcher: {emails:,} emails in < {seconds:g} s (one worker): {verdict}"


def _pages_run(variant: dict, plans: dict, args) -> dict:
    """wrk against every page of PAGES, ours and stock interleaved, with the bare view."""
    processes = {config: _serve(config, variant) for config in PORTS}
    results: dict = {"ours": {}, "stock": {}, "bare": {}}
    try:
        for config, process in processes.items():
            _wait_until_up(config, process)
        _warm("bare", {"path": "/"})
        for connections in args.connections:
            results["bare"].setdefault("before", {})[connections] = _wrk(
                f"http://{HOST}:{PORTS['bare']}/", {}, connections, args.duration
            )
        for page in PAGES:
            _page_measure(page, plans, results, args)
        for connections in args.connections:
            before = results["bare"]["before"][connections]
            after = _wrk(f"http://{HOST}:{PORTS['bare']}/", {}, connections, args.duration)
            results["bare"][connections] = _mean(before, after)
            log(f"bare @{connections}: before {before}, after {after}")
    finally:
        _stop(processes)
    return results


def _page_measure(page: tuple, plans: dict, results: dict, args) -> None:
    """One page of PAGES, ours and stock interleaved at each connection count, into `results`."""
    key, label, bare_target = page
    for config in ("ours", "stock"):
        spec = plans[config].get(key, {})
        if "path" in spec:
            _warm(config, spec)
    for connections in args.connections:
        for config in ("ours", "stock"):
            spec = plans[config].get(key, {})
            if "path" not in spec:
                continue
            url = f"http://{HOST}:{PORTS[config]}{spec['path']}"
            result = _wrk(url, spec, connections, args.duration)
            results[config].setdefault(key, {})[connections] = result
            log(f"{label} @{connections} {config}: {result}")
        if bare_target and "path" in plans["ours"].get(key, {}):
            # The target is a share of the bare view: measure it alongside.
            adjacent = _wrk(f"http://{HOST}:{PORTS['bare']}/", {}, connections, args.duration)
            results["bare"].setdefault(key, {})[connections] = adjacent
            log(f"bare, next to {label} @{connections}: {adjacent}")


PARTS = ("pages", "purchase", "followups")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", "5")))
    parser.add_argument(
        "--connections",
        type=lambda s: [int(c) for c in s.split(",")],
        default=[8, 32],
    )
    parser.add_argument(
        "--shoppers", type=int, default=32, help="the purchase row's concurrent shoppers"
    )
    parser.add_argument(
        "--think",
        type=float,
        default=float(os.environ.get("BENCH_THINK_SECONDS", "1")),
        help="seconds a shopper reads each page on average (0: no pause, a saturated server)",
    )
    parser.add_argument(
        "--purchase-duration",
        type=float,
        default=float(os.environ.get("BENCH_PURCHASE_DURATION", "60")),
        help="seconds the shoppers start purchases for (each finishes the one under way)",
    )
    parser.add_argument(
        "--only",
        type=lambda s: {part for part in s.split(",") if part},
        default=set(PARTS),
        help=f"a comma-separated subset of {','.join(PARTS)} (default: all)",
    )
    parser.add_argument("--out", default=str(RESULTS / "latest.md"))
    args = parser.parse_args()
    if args.only - set(PARTS):
        parser.error(f"--only takes {', '.join(PARTS)}")
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: `make bench` installs it (apt-get install wrk)")
    VAR.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    variant = _variant()
    log(f"backends: {variant['name']}")
    configs = ("ours", "stock") if "pages" in args.only else ("ours",)
    plans = {config: _prepare(config, variant) for config in configs}
    plans.setdefault("stock", {})

    results: dict = {"ours": {}, "stock": {}, "bare": {}}
    try:
        if "pages" in args.only:
            counted_before = _step_events(variant, plans["ours"])
            results = _pages_run(variant, plans, args)
            results["funnel"] = _funnel_check(
                variant, plans["ours"], results["ours"], counted_before
            )
            log(results["funnel"])
        if "purchase" in args.only:
            results["purchase"] = _purchase_run(variant, plans["ours"], args)
            log(f"purchase: {_purchase_summary(results['purchase'])}")
    finally:
        for config in configs:  # leave no keys behind in a shared Redis
            _manage(config, variant, "bench_data", "--clear-cache")
    if "followups" in args.only:
        results["followups"] = _followups_rate(variant)
        log(results["followups"])
    report = _report(variant, plans, results, args, started)
    print(report)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps({"variant": variant["name"], "plans": plans, "results": results}, indent=1)
    # latest.md is the last run; the per-backend copy keeps the other backend's last run.
    backend = "postgresql" if variant["database"] else "sqlite"
    for path in (out, out.with_name(f"{out.stem}-{backend}.md")):
        path.write_text(report)
        path.with_suffix(".json").write_text(raw)
    log(f"written to {out} and {out.with_name(f'{out.stem}-{backend}.md')}")


if __name__ == "__main__":
    main()
