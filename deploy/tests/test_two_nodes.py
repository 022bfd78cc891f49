"""Two web nodes, one PostgreSQL, one Redis: what the scale-out path (bench/README.md) relies on.

Two `make serve` processes on different ports share the database and the
cache, as two machines behind a proxy would; each visitor's requests go to
either. What one node learns, the other must know: a proof of work used on
one is used on both, a network's submissions count toward its limits whichever
node took them, and every signature is counted once.
"""

import base64
import copy
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request

import altcha
import psycopg
import pytest

from bench.run import _opener, _post
from bench.site import PETITION, Site, free_port, postgres_reachable, postgres_server_url
from bench.smtp_sink import Sink

pytestmark = pytest.mark.slow

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def _redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except Exception:
        return False


@pytest.fixture(scope="module")
def nodes():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("runs with DATABASE_URL=postgres://... (CI's PostgreSQL pass), against that server and REDIS_URL")
    missing = [name for name, up in (("PostgreSQL", postgres_reachable()), ("Redis", _redis_reachable())) if not up]
    if missing:
        why = f"the two-node test needs {' and '.join(missing)} ({postgres_server_url()}, {REDIS_URL})"
        if os.environ.get("CI") == "true":
            pytest.fail(why + ": .ci/run starts both")
        pytest.skip(why + ": start them (README, PostgreSQL and Redis)")
    port = free_port()
    with Sink(port) as sink, Site("postgres", "two-nodes", email_url=f"smtp://127.0.0.1:{port}") as a:
        # A cache of its own in the shared Redis (the test process clears its own keys between tests).
        a.env |= {"REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": f"two-nodes-{os.getpid()}"}
        a.prepare()
        b = copy.copy(a)  # the same database, cache, secret and settings; its own port and process
        b.port = free_port()
        b.base = f"http://127.0.0.1:{b.port}"
        a.start_server()
        b.start_server()
        a.start_worker()  # one worker for the whole site: emails, checks, the count
        try:
            yield a, b, sink
        finally:
            b.stop_server()


def _ip(i: int) -> str:
    return f"198.18.{i // 250}.{i % 250 + 1}"


def _challenge(node, ip: str, domain: str = "example.org") -> dict:
    page = urllib.request.urlopen(node.base + PETITION, timeout=10).read().decode()  # noqa: S310
    asked = re.search(r'data-pow="([^"]+)"', page).group(1).replace("&amp;", "&") + f"&domain={domain}"
    request = urllib.request.Request(node.base + asked, headers={"X-Forwarded-For": ip})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as r:  # noqa: S310
        return json.loads(r.read())


def _solved(challenge: dict) -> str:
    c = challenge
    solution = altcha.solve_challenge_v1(c["challenge"], c["salt"], c["algorithm"], c["maxnumber"], 0)
    proof = {k: challenge[k] for k in ("algorithm", "challenge", "salt", "signature")} | {"number": solution.number}
    return base64.b64encode(json.dumps(proof).encode()).decode()


def _sign(node, email: str, ip: str, proof: str = "") -> tuple[int, str]:
    form = {"signer": "individual", "name": "Two Nodes", "email": email, "zip_code": "60614", "pow": proof}
    request = urllib.request.Request(  # noqa: S310
        node.base + PETITION + "sign/", data=urllib.parse.urlencode(form).encode(), headers={"X-Forwarded-For": ip}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def _sql(site, query: str, *params):
    with psycopg.connect(site.database_url) as conn:
        return conn.execute(query, params).fetchall()


def test_a_proof_of_work_used_on_one_node_is_refused_on_the_other(nodes):
    a, b, _ = nodes
    ip = _ip(1)
    proof = _solved(_challenge(a, ip))
    status, page = _sign(a, "first@example.org", ip, proof)
    assert status == 200 and "Check your email" in page
    status, page = _sign(b, "second@example.org", ip, proof)
    assert status == 400 and "The automatic spam check did not work" in page
    # A fresh proof from the other node is good on the first.
    status, page = _sign(a, "second@example.org", ip, _solved(_challenge(b, ip)))
    assert status == 200 and "Check your email" in page
    rows = _sql(a, "SELECT email, proof_of_work FROM signatures_signature WHERE email = ANY(%s) ORDER BY id",
                ["first@example.org", "second@example.org"])  # fmt: skip
    assert [tuple(r) for r in rows] == [("first@example.org", True), ("second@example.org", True)]


def test_a_network_s_signatures_on_both_nodes_raise_its_work_on_both(nodes):
    a, b, _ = nodes
    busy, quiet = _ip(20), _ip(21)
    for i in range(8):  # two steps of the network limit (defence/pow.py NETWORK_STEP = 4), half on each node
        status, _ = _sign((a, b)[i % 2], f"busy-{i}@busy.example", busy)
        assert status == 200
    base = _challenge(a, quiet, "quiet.example")["maxnumber"]
    assert _challenge(a, busy, "other.example")["maxnumber"] == 4 * base
    assert _challenge(b, busy, "other.example")["maxnumber"] == 4 * base


def test_a_form_limit_counts_submissions_to_both_nodes(nodes):
    a, b, _ = nodes
    ip = _ip(30)
    sent = []
    for i in range(4):  # three an hour from one network without the browser check (defence/forms.py)
        node = (a, b)[i % 2]
        opener = _opener()
        page = opener.open(node.base + "/get-involved/", timeout=10).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"csrfmiddlewaretoken": token, "name": "Two Nodes", "email": f"c{i}@example.org", "message": f"Hello {i}"}
        status = _post(opener, node.base + "/get-involved/", form, {"X-Forwarded-For": ip})
        assert status == 302, status  # "thank you" either way: a bot is not told where the limit is
        sent.append(f"c{i}@example.org")
    rows = dict(_sql(a, "SELECT email, status FROM contact_contactmessage WHERE email = ANY(%s)", sent))
    assert [rows[e] for e in sent] == ["new", "new", "new", "held"]


def test_signatures_taken_by_both_nodes_are_counted_once_on_both(nodes):
    a, b, sink = nodes
    before = _sql(a, "SELECT count(*) FROM signatures_signature WHERE state = 'verified'")[0][0]
    emails = [f"count-{i}@example.org" for i in range(10)]
    for i, email in enumerate(emails):  # each signer from their own network, signing on one node, confirming on the other
        sink.watch(email)
        signer, confirmer = ((a, b), (b, a))[i % 2]
        assert _sign(signer, email, _ip(100 + i))[0] == 200
        link = sink.link_for(email, timeout=60)
        opener = _opener()
        page = opener.open(confirmer.base + link, timeout=10).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        assert _post(opener, confirmer.base + link, {"csrfmiddlewaretoken": token}) == 302
    expected = before + len(emails)
    deadline = time.monotonic() + 60
    totals = []
    while time.monotonic() < deadline:
        totals = [json.loads(urllib.request.urlopen(n.base + PETITION + "count.json", timeout=10).read())["total"] for n in (a, b)]  # noqa: S310
        if totals == [expected, expected]:
            break
        time.sleep(0.5)
    assert totals == [expected, expected]
    assert _sql(a, "SELECT count(*) FROM signatures_signature WHERE state = 'verified' AND counted")[0][0] == expected
