"""`make faults`: the site under load while PostgreSQL restarts and Redis stops and comes back.

The app runs as in production (gunicorn, DEBUG off, PostgreSQL, a Redis page cache of this
run's own), and readers and commenters keep at it for about half a minute while:

    at  5 s   PostgreSQL restarts (every connection the workers hold is cut)
    at 12 s   Redis stops
    at 20 s   Redis starts again (empty, as a restarted Redis without persistence is)

It then checks what must hold, and exits non-zero if anything did not:

- every response, whatever its status, carries the security headers (no bare server error);
- every comment whose sending was answered "accepted" (a redirect) is in the database, and
  every comment refused shows its words back (nothing a commenter typed is lost);
- after the faults, with the app never restarted, every page is served again (and from the
  cache once Redis is back).

It restarts this machine's PostgreSQL cluster: run it where nothing else needs the database
for those seconds (CI runs it last). Counts are printed at the end.
"""

import contextlib
import http.client
import itertools
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import psycopg

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("FAULTS_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = "newsarchive_faults"
DURATION = 30.0
SCHEDULE = [(5.0, "restart PostgreSQL"), (12.0, "stop Redis"), (20.0, "start Redis")]
RECOVERY = 4.0  # the last seconds, after every fault, when everything must be served again
READERS, COMMENTERS = 6, 4
# Pages the cache keeps, and search results, which it never does: the database is asked
# throughout.
PAGES = ["/", "/page/2/", "/2007/03/", "/2007/03/10/us-and-iran-hold-rare-direct-talks/",
         "/feed/", "/comments/feed/", "/category/uncategorized/", "/sitemap.xml",
         "/search/?q=iran", "/search/?q=talks"]  # fmt: skip
ENTRY = "/2007/03/10/us-and-iran-hold-rare-direct-talks/"
SECURITY_HEADERS = ("content-security-policy", "x-frame-options", "x-content-type-options")


def say(message):
    print(f"[faults] {message}", flush=True)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, psycopg.Error):
            if check():
                return
        time.sleep(0.1)
    raise RuntimeError(f"gave up waiting for {check.__name__}")


class Redis:
    def __init__(self):
        self.port = free_port()
        self.process = None

    def start(self):
        server = shutil.which("redis-server")
        if server is None:
            raise SystemExit("redis-server is needed (Debian's redis-server package).")
        self.process = subprocess.Popen(
            [server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip

        def redis_answers():
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")

        wait_for(redis_answers)

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


def restart_postgres():
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart", "-m", "fast"],
        check=True,
    )


def environment(redis_port, port):
    env = {name: value for name, value in os.environ.items() if name != "DEBUG"}
    env.update(
        DJANGO_SETTINGS_MODULE="newsarchive.settings",
        DATABASE_URL=f"{POSTGRES}/{DATABASE}",
        CACHE_URL=f"redis://127.0.0.1:{redis_port}/0",
        SECRET_KEY="faults-only-not-a-secret",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        TRUSTED_PROXIES="1",  # each commenter has an address of their own
        SITE_URL=f"http://127.0.0.1:{port}",
    )
    return env


def prepare(env):
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "load_demo", "--entries", "60", "-v", "0"], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                   check=True)  # fmt: skip


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = Counter()
        self.bare = []  # responses without the security headers
        self.late_failures = []  # failures after every fault was over
        self.accepted, self.refused_kept, self.refused_lost = [], 0, []
        self.connection_errors = 0
        self.from_cache_late = 0

    def saw(self, path, status, headers, late):
        with self.lock:
            self.statuses[status] += 1
            if not all(headers.get(name) for name in SECURITY_HEADERS):
                self.bare.append((path, status))
            if late and status >= 500:
                self.late_failures.append((path, status))
            if late and headers.get("x-cache") == "hit":
                self.from_cache_late += 1


class Client:
    """One browser: a keep-alive connection and its cookies."""

    def __init__(self, port):
        self.port, self.cookies, self.connection = port, {}, None

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (OSError, http.client.HTTPException):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
        found = {name.lower(): value for name, value in response.getheaders()}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, found, data


def reader(port, results, started, stop):
    client, pages = Client(port), itertools.cycle(random.sample(PAGES, len(PAGES)))
    while not stop.is_set():
        path = next(pages)
        try:
            status, headers, _ = client.request("GET", path, headers={"Accept-Encoding": "gzip"})
        except OSError:
            with results.lock:
                results.connection_errors += 1
            continue
        late = time.monotonic() - started > DURATION - RECOVERY
        results.saw(path, status, headers, late)


def commenter(port, number, results, started, stop):
    """Leaves comments as a person does: loads the entry, takes a moment, sends."""
    client = Client(port)
    for turn in itertools.count():
        if stop.is_set():
            return
        address = f"10.{number}.{turn // 250}.{turn % 250 + 1}"
        try:
            status, headers, page = client.request("GET", ENTRY)
            results.saw(ENTRY, status, headers, False)
            text = page.decode("utf-8", "replace")
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
            issued = re.search(r'name="issued" value="([^"]+)"', text)
            if status != 200 or not csrf or not issued:
                time.sleep(0.5)
                continue
            time.sleep(2.2)
            words = f"Comment {number}-{turn}: said while things failed ({random.random():.9f})."
            form = {"author_name": f"Commenter {number}", "author_email": f"c{number}@example.org",
                    "author_url": "", "body": words, "parent": "", "homepage": "",
                    "issued": issued.group(1), "csrfmiddlewaretoken": csrf.group(1)}  # fmt: skip
            status, headers, answer = client.request(
                "POST",
                f"{ENTRY}comment/",
                body=urlencode(form),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Forwarded-For": address,
                    "Referer": f"http://127.0.0.1:{port}{ENTRY}",
                },
            )
        except OSError:
            with results.lock:
                results.connection_errors += 1
            continue
        results.saw(f"{ENTRY}comment/", status, headers, False)
        with results.lock:
            if status in (301, 302, 303):
                results.accepted.append(words)
            elif words in answer.decode("utf-8", "replace"):
                results.refused_kept += 1
            else:
                results.refused_lost.append((status, words))


def run():
    redis = Redis()
    port = free_port()
    env = environment(redis.port, port)
    redis.start()
    say(f"preparing {DATABASE}")
    prepare(env)
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "newsarchive.wsgi",
         "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4", "--timeout", "30",
         "--graceful-timeout", "5"],
        cwd=ROOT, env=env, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:

        def app_answers():
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/")
            return connection.getresponse().status == 200

        wait_for(app_answers)
        results, stop = Results(), threading.Event()
        started = time.monotonic()
        workers = [
            threading.Thread(target=reader, args=(port, results, started, stop))
            for _ in range(READERS)
        ] + [
            threading.Thread(target=commenter, args=(port, n, results, started, stop))
            for n in range(COMMENTERS)
        ]
        for worker in workers:
            worker.start()
        for at, fault in SCHEDULE:
            time.sleep(max(0.0, at - (time.monotonic() - started)))
            say(f"{time.monotonic() - started:5.1f} s: {fault}")
            if fault == "restart PostgreSQL":
                restart_postgres()
            elif fault == "stop Redis":
                redis.stop()
            else:
                redis.start()
        time.sleep(max(0.0, DURATION - (time.monotonic() - started)))
        stop.set()
        for worker in workers:
            worker.join(60)
    finally:
        gunicorn.terminate()
        gunicorn.wait(30)
        redis.stop()
    return check(results)


def check(results):
    with psycopg.connect(f"{POSTGRES}/{DATABASE}") as conn:
        stored = {row[0] for row in conn.execute("SELECT body FROM newsarchive_comment")}
    lost = [words for words in results.accepted if words not in stored]
    say(f"responses by status: {dict(sorted(results.statuses.items()))}")
    say(f"connections refused or cut: {results.connection_errors}")
    say(f"comments accepted: {len(results.accepted)}, of which in the database: "
        f"{len(results.accepted) - len(lost)}")  # fmt: skip
    say(f"comments refused with their words shown back: {results.refused_kept}, "
        f"without: {len(results.refused_lost)}")  # fmt: skip
    say(f"responses without security headers: {len(results.bare)}")
    say(f"server errors after the faults: {len(results.late_failures)}; "
        f"cache hits then: {results.from_cache_late}")  # fmt: skip
    problems = []
    if results.bare:
        problems.append(f"responses without security headers: {results.bare[:5]}")
    if lost:
        problems.append(f"accepted comments not in the database: {lost[:3]}")
    if results.refused_lost:
        problems.append(f"refused comments whose words were not shown: {results.refused_lost[:3]}")
    if results.late_failures:
        problems.append(f"no recovery: {results.late_failures[:5]}")
    if not results.accepted:
        problems.append("no comment was accepted at all")
    if not results.from_cache_late:
        problems.append("pages were not cached again once Redis was back")
    for problem in problems:
        say(f"FAILED: {problem}")
    say("passed" if not problems else "failed")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(run())
