"""How fast the portal search answers, through the real HTTP server, on generated offers.

    .venv/bin/python benchmarks/search.py [--offers 100000] [--kommunen 1]
        [--database-url URL | --postgres] [--requests 300] [--keep DIR]

Creates a fresh database (SQLite in a temporary directory by default; --postgres starts a
throwaway PostgreSQL server, lueckenlos/lib/testing/pgserver.py), migrates, generates
offers (benchmarks/generate.py), checks a sample of the index against `index_offers`, then
starts the production server (`lueckenlos serve --no-migrate`: gunicorn, 2 workers,
LUECKENLOS_ENV=production, DEBUG off), warms it up and sends search requests one after
another from one client: text + filters + a point to sort by distance, first page, from
the templates in QUERIES, each in a random Kommune at a random point. It prints
p50/p95/max of the HTTP requests, then, in this process and for the same requests, of
`offer_search` (everything but template and HTTP) and of the bare engine call
`lueckenlos.search.engine.search` (parsed outside the timing), and the ratio. Last, the
bytes a results page transfers without map tiles: the HTML, the CSS and JavaScript it links,
the map's GeoJSON and marker images.

--keep DIR keeps the data directory (with the SQLite database); run again with the same
--keep DIR and the same --offers/--kommunen to measure again without generating. With
--database-url the database must be empty or hold exactly such a generated set; nothing in
it is deleted.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.client
import os
import platform
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STATIC_FLOOR = "/static/portal/search.js"
PAGE_BUDGET = 150 * 1024  # bytes a results page may transfer, tiles aside
TARGET_P95_MS = {"sqlite": 50, "postgresql": 100}
READY_TIMEOUT = 120  # seconds for gunicorn to answer after start (collectstatic first)
LANGUAGE_PREFIXES = ["", "", "", "", "", "", "", "", "en/", "tr/"]  # mostly German
# What families type, with filters; {point} is a position in the Kommune (distance sort),
# {place} an area name, {street} an address of a location there, {area} an area id.
QUERIES = [
    "q=Hebamme&{point}",
    "q=Hebammen Sprechstunde&{point}",
    "q=Krabbelgruppe&alter=1&{point}",
    "q=Schwimmkurs&alter=6&kosten=kostenlos&{point}",
    "q=Schwimkurs&alter=5&{point}",
    "q=Seepferdchen&{point}&umkreis=5",
    "q=Erziehungsberatung&sprache=tr&{point}",
    "q=Erziehungsbertaung&{point}",
    "q=Beratung&zielgruppe=single_parents&{point}&umkreis=5",
    "q=Sprachförderung&phase=preschool&{point}",
    "q=Sprachfoerderung&alter=4&{point}",
    "q=Elterncafe&tag=MO&{point}",
    "q=Hausaufgabenhilfe&alter=9&{point}&umkreis=2",
    "q=Logopädie&barrierefrei=ja&{point}",
    "q=Logopadie&alter=3&{point}",
    "q=Familienzentrum&{place}",
    "q=Kurse für Kinder&alter=4&{point}",
    "q=Babyschwimmen&phase=infant&{point}",
    "q=Nachhilfe Mathe&alter=12&{point}",
    "q=Ausbildung&phase=transition_work&{point}&umkreis=10",
    "q=Musik&alter=7&kosten=but&{point}",
    "q=Fußball&sprache=ar&{point}",
    "q=Kita&{point}&umkreis=1",
    "q=Spielgruppe&jetzt=1&{point}",
    "q=Berufsorientierung&feld=education&{point}",
    "q=Stillberatung&sprache=uk&{point}",
    "q=Frühförderung&zielgruppe=disability&{point}",
    "q=Jugendclub&alter=14&{point}&umkreis=5",
    "q=Eltern&alter=2&feld=parenting_family&{point}",
    "q=Familie&{point}",
    "q=Deutschkurs&sprache=ar&kosten=kostenlos&{point}",
    "q=Schwimm&{point}",
    "q=Tanz Theater&alter=10&{point}",
    "q=Hausaufgabenhilfe&{street}",
    "q=Vätertreff&tag=SA&{point}",
    "q=Schuldnerberatung&sprache=ru&{point}",
    "q=Mädchentreff&gebiet={area}&{point}",
    "alter=3&{point}&umkreis=1",
]


@dataclass
class Request:
    template: int
    kommune_slug: str
    prefix: str  # language prefix of the address
    query: str  # the query string

    @property
    def path(self) -> str:
        return f"/{self.prefix}{self.kommune_slug}/angebote/?{self.query}"

    @property
    def map_path(self) -> str:
        return f"/{self.prefix}{self.kommune_slug}/angebote/karte.geojson?{self.query}"


@dataclass
class Sample:
    seconds: list[float] = field(default_factory=list)
    by_template: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))

    def add(self, request: Request, seconds: float) -> None:
        self.seconds.append(seconds)
        self.by_template[request.template].append(seconds)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with `share` of the values at or below."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def summary(values: list[float]) -> str:
    ms = [value * 1000 for value in values]
    return (
        f"p50 {percentile(ms, 0.5):6.1f} ms   p95 {percentile(ms, 0.95):6.1f} ms   "
        f"max {max(ms):6.1f} ms   (n={len(ms)})"
    )


# --- The requests -------------------------------------------------------------------------


def plan_requests(count: int, layouts, addresses: dict[int, list[str]], seed: int) -> list:
    """`count` requests: template, Kommune and point drawn at random, reproducibly."""
    rng = random.Random(seed)
    planned = []
    for _ in range(count):
        template = rng.randrange(len(QUERIES))
        layout = rng.choice(layouts)
        south, west, north, east = layout.bounds
        quarter = rng.choice(layout.quarters)
        values = {
            "point": f"lat={rng.uniform(south, north):.4f}&lon={rng.uniform(west, east):.4f}",
            "place": f"nahe={quarter.name}",
            "street": f"nahe={rng.choice(addresses[layout.kommune_id])}",
            "area": str(quarter.area_id),
        }
        pairs = [
            tuple(part.split("=", 1)) for part in QUERIES[template].format(**values).split("&")
        ]
        query = urlencode(pairs)  # as a browser submits the form: spaces as +, UTF-8
        planned.append(Request(template, layout.slug, rng.choice(LANGUAGE_PREFIXES), query))
    return planned


# --- The server ---------------------------------------------------------------------------


def server_environment(data_dir: Path, database_url: str, conn_max_age: int | None) -> dict:
    env = {
        **os.environ,
        "LUECKENLOS_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "LUECKENLOS_DATA_DIR": str(data_dir),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DEBUG", None)
    if conn_max_age is not None:
        env["DATABASE_CONN_MAX_AGE"] = str(conn_max_age)
    # The generated confirmation dates span years; production would hide the older offers.
    env["LUECKENLOS_HIDE_AFTER_MONTHS"] = "0"
    # Plain HTTP on the loopback: no redirect to HTTPS (a proxy terminates TLS in production).
    env["SECURE_SSL_REDIRECT"] = "false"
    return env


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_gunicorn(env: dict, workers: int, log: Path) -> Iterator[int]:
    """`lueckenlos serve --no-migrate` on a free port; stopped on exit."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "lueckenlos.cli",
        "serve",
        "--no-migrate",
        "--verbosity",
        "0",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
    ]
    with log.open("w") as output:
        server = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"the server stopped at start:\n{log.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                status, _headers, _body = fetch(port, "/")
                if status == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not answer:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


_connections: dict[int, http.client.HTTPConnection] = {}


def fetch(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """GET over one kept connection, as a browser asks: compressed if the server will."""
    connection = _connections.get(port)
    if connection is None:
        connection = _connections[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            "GET",
            path,
            headers={
                "Accept-Encoding": "gzip, deflate, br",
                "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                **(headers or {}),
            },
        )
        response = connection.getresponse()
        body = response.read()  # as transferred: http.client does not decompress
    except (OSError, http.client.HTTPException):
        connection.close()  # a fresh one next time
        raise
    if response.will_close:  # gunicorn's sync workers close after each response
        connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def time_http(
    port: int, requests: list[Request], *, map_data: bool = False
) -> tuple[Sample, list[str]]:
    """Each request's page (or, with map_data, the GeoJSON its map then asks for)."""
    sample, errors = Sample(), []
    for request in requests:
        path = request.map_path if map_data else request.path
        started = time.perf_counter()
        status, _headers, _body = fetch(port, path)
        elapsed = time.perf_counter() - started
        if status != 200:
            errors.append(f"{status} {path}")
            continue
        sample.add(request, elapsed)
    return sample, errors


# --- In-process timings -------------------------------------------------------------------


class InProcess:
    """The same searches without HTTP: offer_search, and the bare engine call."""

    def __init__(self, page_size: int):
        from lueckenlos.areas.models import Kommune

        self.page_size = page_size
        self.kommunen = {k.slug: k for k in Kommune.objects.all()}
        self.ids = {slug: k.descendant_ids() for slug, k in self.kommunen.items()}

    def _activate(self, request: Request):
        from django.utils import translation

        return translation.override(request.prefix.rstrip("/") or "de")

    def time_offer_search(self, requests: list[Request]) -> Sample:
        from django.http import QueryDict

        from lueckenlos.search.queries import offer_search

        sample = Sample()
        for request in requests:
            kommune = self.kommunen[request.kommune_slug]
            language = request.prefix.rstrip("/") or "de"
            with self._activate(request):
                query = QueryDict(request.query)
                started = time.perf_counter()
                offer_search(kommune, query, page_size=self.page_size, language=language)
                sample.add(request, time.perf_counter() - started)
        return sample

    def time_view(self, requests: list[Request]) -> Sample:
        """The whole Django stack (middleware, view, template) without gunicorn and HTTP."""
        from django.test import Client

        client = Client(HTTP_HOST="127.0.0.1")
        sample = Sample()
        for request in requests:
            started = time.perf_counter()
            response = client.get(request.path)
            sample.add(request, time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"{response.status_code} for {request.path}")
        return sample

    def parsed(self, request: Request):
        """The request parsed and its place resolved, as offer_search does before `search`."""
        from django.http import QueryDict

        from lueckenlos.search.params import Centre, parse_search
        from lueckenlos.search.places import resolve_place

        kommune = self.kommunen[request.kommune_slug]
        ids = self.ids[request.kommune_slug]
        params = parse_search(kommune, QueryDict(request.query), ids)
        if params.has_point:
            params.centre = Centre(params.latitude, params.longitude, "")
        elif params.place:
            params.centre, _suggestions = resolve_place(ids, params.place)
        return params, ids

    def time_engine(self, requests: list[Request]) -> tuple[Sample, dict[int, int]]:
        from lueckenlos.search.engine import search

        sample, totals = Sample(), {}
        for request in requests:
            with self._activate(request):
                params, ids = self.parsed(request)
                started = time.perf_counter()
                outcome = search(params, ids, page_size=self.page_size)
                sample.add(request, time.perf_counter() - started)
            totals.setdefault(request.template, outcome.total)
        return sample, totals


# --- Page weight --------------------------------------------------------------------------

LINKED = re.compile(
    r"""<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"|<script[^>]+src="([^"]+)"|"""
    r"""data-(?:points|areas)-url="([^"]+)"|data-icon(?:-retina|-shadow)?-url="([^"]+)\""""
)


def page_weight(port: int, path: str) -> tuple[list[tuple[str, int, str, int]], int]:
    """What the page and everything it loads but tiles transfer: (address, bytes, encoding,
    bytes if gzipped), and the size of the HTML itself."""
    import html

    status, headers, body = fetch(port, path)
    if status != 200:
        raise RuntimeError(f"{status} for {path}")
    parts = [_part(path, headers, body)]
    text = gzip.decompress(body) if headers.get("content-encoding") == "gzip" else body
    seen = set()
    for match in LINKED.finditer(text.decode()):
        url = html.unescape(next(group for group in match.groups() if group))
        absolute = urljoin(path, url)
        if urlsplit(absolute).netloc or absolute in seen:
            continue  # another host: not ours to count (and the CSP forbids it anyway)
        seen.add(absolute)
        status, headers, linked = fetch(port, absolute)
        if status != 200:
            raise RuntimeError(f"{status} for {absolute}, linked from {path}")
        parts.append(_part(absolute, headers, linked))
    return parts, len(text)


def _part(url: str, headers: dict, body: bytes) -> tuple[str, int, str, int]:
    encoding = headers.get("content-encoding", "")
    compressible = headers.get("content-type", "").startswith(("text/", "application/"))
    gzipped = len(gzip.compress(body, 6)) if not encoding and compressible else len(body)
    return url, len(body), encoding or "-", gzipped


# --- Driving it ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--kommunen", type=int, default=1)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database-url", help="an empty database (or one generated before)")
    where.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL server")
    parser.add_argument("--requests", type=int, default=300, help="timed requests")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="data directory to keep")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--jobs", type=int, default=2, help="processes generating on PostgreSQL (default 2)"
    )
    parser.add_argument(
        "--no-map",
        dest="map",
        action="store_false",
        help="do not also time the map's GeoJSON request for each search",
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        help="DATABASE_CONN_MAX_AGE for the server (default: the setting's default, 60)",
    )
    args = parser.parse_args()

    with contextlib.ExitStack() as stack:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            data_dir = args.keep.resolve()
        else:
            data_dir = Path(
                stack.enter_context(tempfile.TemporaryDirectory(prefix="lueckenlos-bench-"))
            )
        if args.postgres:
            from lueckenlos.lib.testing.pgserver import running_server

            database_url = stack.enter_context(running_server()).url
            described = "PostgreSQL, throwaway server"
        elif args.database_url:
            database_url, described = args.database_url, "given by --database-url"
        else:
            database_url = f"sqlite:///{data_dir / 'bench.sqlite3'}"
            described = "SQLite, " + ("kept in --keep DIR" if args.keep else "temporary")
        run(args, data_dir, database_url, described)
        if args.keep:
            print(f"kept: {data_dir}")


def run(args, data_dir: Path, database_url: str, described: str) -> None:
    env = server_environment(data_dir, database_url, args.conn_max_age)
    # This process runs as the server does (settings are read once, at django.setup()).
    for key in (
        "LUECKENLOS_ENV",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "LUECKENLOS_HIDE_AFTER_MONTHS",
        "SECURE_SSL_REDIRECT",
    ):
        os.environ[key] = env[key]
    os.environ["LUECKENLOS_DATA_DIR"] = str(data_dir)
    os.environ.pop("DEBUG", None)
    if args.conn_max_age is not None:
        os.environ["DATABASE_CONN_MAX_AGE"] = str(args.conn_max_age)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lueckenlos.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections

    from benchmarks.generate import check_index, create_layouts_from_database, generate
    from lueckenlos.catalogue.models import Location, Service

    vendor = connection.vendor
    print(f"database: {vendor} ({described})")
    print(
        f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs; "
        f"server: gunicorn, {args.workers} workers, LUECKENLOS_ENV=production, DEBUG off, "
        f"DATABASE_CONN_MAX_AGE={settings.DATABASES['default']['CONN_MAX_AGE']}"
    )
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrate: {time.perf_counter() - started:.1f} s")

    existing = Service.objects.count()
    if existing == 0:
        report = generate(
            offers=args.offers, kommunen=args.kommunen, seed=args.seed, jobs=args.jobs
        )
        for line in report.lines():
            print(line)
        layouts = report.layouts
    else:
        layouts = create_layouts_from_database()
        generated = Service.objects.filter(external_id__startswith="bench-").count()
        if generated != existing or existing != args.offers or len(layouts) != args.kommunen:
            sys.exit(
                f"The database holds {existing:,} offers in {len(layouts)} Kommunen, not "
                f"{args.offers:,} generated ones in {args.kommunen}: give an empty database."
            )
        print(f"reusing the {existing:,} generated offers already in the database")
    started = time.perf_counter()
    print(check_index(), f"({time.perf_counter() - started:.1f} s)")

    addresses = {
        layout.kommune_id: list(
            Location.objects.filter(kommune_id=layout.kommune_id)
            .order_by("pk")
            .values_list("address_1", flat=True)[:100]
        )
        for layout in layouts
    }
    warmup = plan_requests(max(2 * len(QUERIES), 60), layouts, addresses, args.seed + 1)
    timed = plan_requests(args.requests, layouts, addresses, args.seed + 2)
    connections.close_all()  # the server gets the database to itself

    log = data_dir / "gunicorn.log"
    with running_gunicorn(env, args.workers, log) as port:
        time_http(port, warmup)
        http_sample, errors = time_http(port, timed)
        # The floor: what gunicorn and HTTP cost for a response that does nothing (a static
        # file, served by whitenoise before any view runs).
        floor = []
        for _ in range(50):
            started = time.perf_counter()
            fetch(port, STATIC_FLOOR)
            floor.append(time.perf_counter() - started)
        map_sample = None
        if args.map:
            time_http(port, warmup[:10], map_data=True)
            map_sample, map_errors = time_http(port, timed, map_data=True)
            errors += map_errors
        weights = []
        german = next(request for request in timed if not request.prefix)
        for path in (german.path, f"/{layouts[0].slug}/angebote/"):
            weights.append((path, *page_weight(port, path)))
    if errors:
        print(f"{len(errors)} requests failed, e.g. {errors[0]} (server log: {log})")

    # In-process, after the server has stopped: the same requests, the same warm-up.
    in_process = InProcess(settings.PORTAL_PAGE_SIZE)
    in_process.time_engine(warmup)
    engine_sample, totals = in_process.time_engine(timed)
    in_process.time_offer_search(warmup)
    query_sample = in_process.time_offer_search(timed)
    in_process.time_view(warmup)
    view_sample = in_process.time_view(timed)

    print()
    print(f"{len(timed)} search requests, one client, sequential, after {len(warmup)} to warm up")
    print(f"  HTTP (gunicorn)            {summary(http_sample.seconds)}")
    print(f"  HTTP, a static file        {summary(floor)}")
    print(f"  view, test client          {summary(view_sample.seconds)}")
    print(f"  offer_search, in process   {summary(query_sample.seconds)}")
    print(f"  engine.search, in process  {summary(engine_sample.seconds)}")
    if map_sample:
        print(f"  map GeoJSON, HTTP          {summary(map_sample.seconds)}")
    http_p95 = percentile(http_sample.seconds, 0.95)
    engine_p95 = percentile(engine_sample.seconds, 0.95)
    http_p50 = percentile(http_sample.seconds, 0.5)
    engine_p50 = percentile(engine_sample.seconds, 0.5)
    target = TARGET_P95_MS.get(vendor)
    verdict = ""
    if target:
        verdict = f"; target p95 ≤ {target} ms: {'met' if http_p95 * 1000 <= target else 'MISSED'}"
    print(
        f"  HTTP / bare engine: p50 {http_p50 / engine_p50:.1f}×, p95 "
        f"{http_p95 / engine_p95:.1f}× (aim ≤ 2×){verdict}"
    )
    print()
    print("slowest templates by HTTP median (ms: HTTP p50 / engine p50, results):")
    medians = sorted(
        (
            statistics.median(values),
            template,
        )
        for template, values in http_sample.by_template.items()
    )
    for median, template in reversed(medians[-8:]):
        engine = statistics.median(engine_sample.by_template.get(template, [0]))
        print(
            f"  {median * 1000:6.1f} / {engine * 1000:6.1f}  {totals.get(template, 0):>7,}  "
            f"{QUERIES[template]}"
        )
    print()
    print("bytes a results page transfers (no tiles; compressed where the server compresses):")
    for path, parts, html_bytes in weights:
        total = sum(part[1] for part in parts)
        gzipped = sum(part[3] for part in parts)
        print(f"  {path}  (HTML {html_bytes:,} bytes uncompressed)")
        for url, size, encoding, _gzipped in parts:
            print(f"    {size:>9,}  {encoding:<5} {url[:110]}")
        verdict = "within" if total <= PAGE_BUDGET else "OVER"
        print(
            f"    {total:>9,}  total, {verdict} {PAGE_BUDGET // 1024} KB; "
            f"{gzipped:,} if the server gzipped all text"
        )
    shutil.rmtree(data_dir / "static", ignore_errors=True)


if __name__ == "__main__":
    main()
