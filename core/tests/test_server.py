"""The production server's front (core/server.py), driven as granian drives it: ASGI messages in, ASGI messages out."""

import asyncio
import contextlib
import threading

from core.server import WSGIInThreads


def scope(method="POST", path="/sign/", headers=(), raw_path=None):
    return {
        "type": "http", "method": method, "path": path, "raw_path": raw_path, "query_string": b"a=1", "http_version": "1.1",
        "scheme": "http", "server": ("127.0.0.1", 8000), "client": ("203.0.113.9", 51000), "root_path": "",
        "headers": [(k.encode(), v.encode()) for k, v in headers],
    }  # fmt: skip


def serve(app, scope, messages, *, delay=0.0, timeout=5.0):
    """Feed `messages` (one every `delay` s) to `app`; returns (status, headers, body) as sent, or None."""

    async def main():
        queue = list(messages)
        sent = []

        async def receive():
            if queue:
                await asyncio.sleep(delay)
                return queue.pop(0)
            await asyncio.sleep(3600)  # a client that sends nothing more

        async def send(message):
            sent.append(message)

        await asyncio.wait_for(app(scope, receive, send), timeout)
        if not sent:
            return None
        start = sent[0]
        return start["status"], dict(start["headers"]), b"".join(m.get("body", b"") for m in sent[1:])

    return asyncio.run(main())


def echo(environ, start_response):
    """A WSGI app that answers with what it was given."""
    body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"] or 0))
    seen = "|".join(f"{k}={environ.get(k)}" for k in ("PATH_INFO", "QUERY_STRING", "REMOTE_ADDR", "CONTENT_LENGTH", "HTTP_COOKIE",
                                                     "HTTP_X_FORWARDED_FOR"))  # fmt: skip
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Seen", seen)])
    return [b"got:", body]


def front(app=echo, **kwargs):
    return WSGIInThreads(app, **{"threads": 2, "body_timeout": 2, "min_rate": 1000, "max_body": 1000, **kwargs})


def test_the_app_gets_the_whole_body_sent_in_pieces_and_its_true_length():
    parts = [{"type": "http.request", "body": b"name=Ada&", "more_body": True},
             {"type": "http.request", "body": b"zip=60601", "more_body": False}]  # fmt: skip
    status, headers, body = serve(front(), scope(), parts)  # chunked: no Content-Length header at all
    assert status == 200 and body == b"got:name=Ada&zip=60601"
    assert b"CONTENT_LENGTH=18" in headers[b"x-seen"] and b"REMOTE_ADDR=203.0.113.9" in headers[b"x-seen"]


def test_a_body_that_does_not_arrive_in_time_is_refused_before_it_reaches_the_app():
    called = []

    def app(environ, start_response):
        called.append(environ)
        return echo(environ, start_response)

    drip = [{"type": "http.request", "body": b"a", "more_body": True}] * 100
    status, _, body = serve(front(app, body_timeout=0.5), scope(), drip, delay=0.1)
    assert status == 408 and b"did not arrive in time" in body
    assert called == []


def test_a_large_upload_at_a_steady_pace_may_take_longer_than_the_base_deadline():
    seen = {}

    def app(environ, start_response):
        seen["on_disk"] = environ["wsgi.input"]._rolled  # SpooledTemporaryFile moved to disk
        seen["body"] = environ["wsgi.input"].read()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    # 3 MB in 30 pieces over 1.5 s: past the 0.5 s base deadline, but well above 100 kB/s.
    piece = b"x" * 100_000
    parts = [{"type": "http.request", "body": piece, "more_body": True}] * 29 + [{"type": "http.request", "body": piece}]
    status, _, _ = serve(front(app, body_timeout=0.5, min_rate=100_000, max_body=10**7), scope(), parts, delay=0.05)
    assert status == 200
    assert seen["body"] == piece * 30 and seen["on_disk"]  # past 1 MB it waited in a temporary file, not in memory


def test_a_body_over_the_limit_is_refused_whether_announced_or_not():
    announced = scope(headers=[("content-length", "5000")])
    assert serve(front(), announced, [])[0] == 413
    chunks = [{"type": "http.request", "body": b"x" * 600, "more_body": True}] * 3
    assert serve(front(), scope(), chunks)[0] == 413


def test_a_client_that_leaves_while_sending_gets_nothing_and_costs_nothing():
    assert serve(front(), scope(), [{"type": "http.request", "body": b"a", "more_body": True}, {"type": "http.disconnect"}]) is None


def test_headers_are_passed_as_wsgi_expects_and_an_underscored_lookalike_is_dropped():
    headers = [("cookie", "a=1"), ("cookie", "b=2"), ("x_forwarded_for", "6.6.6.6")]
    _, seen, _ = serve(front(), scope(headers=headers, raw_path=b"/caf%C3%A9/%FF"), [{"type": "http.request", "body": b""}])
    assert b"HTTP_COOKIE=a=1; b=2" in seen[b"x-seen"]
    assert b"HTTP_X_FORWARDED_FOR=None" in seen[b"x-seen"]
    # PEP 3333: the path's raw bytes, read as latin-1, undecodable ones included (Django makes sense of them).
    assert b"PATH_INFO=/caf\xc3\xa9/\xff" in seen[b"x-seen"]


def test_a_streaming_response_is_relayed_whole_and_in_order_from_one_thread():
    threads = set()

    def stream(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/csv")])

        def rows():
            for i in range(50):
                threads.add(threading.get_ident())
                yield f"{i}\n".encode()

        return rows()

    status, _, body = serve(front(stream), scope("GET"), [{"type": "http.request", "body": b""}])
    assert status == 200 and body == b"".join(f"{i}\n".encode() for i in range(50))
    assert len(threads) == 1


def test_a_streaming_response_stops_and_is_closed_when_the_client_goes():
    produced, closed = [], threading.Event()

    class Rows:
        def __iter__(self):
            for i in range(10_000):
                produced.append(i)
                yield b"row\n"

        def close(self):
            closed.set()

    def stream(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/csv")])
        return Rows()

    async def main():
        async def receive():
            return {"type": "http.request", "body": b""}

        count = 0

        async def send(message):
            nonlocal count
            count += 1
            if count > 5:
                raise OSError("client gone")

        with contextlib.suppress(OSError):
            await front(stream)(scope("GET"), receive, send)

    asyncio.run(main())
    assert closed.wait(5)
    assert len(produced) < 100  # it did not run on to the end for nobody


def test_a_failing_app_gives_a_500_not_a_hung_connection():
    def broken(environ, start_response):
        raise RuntimeError("boom")

    status, _, _ = serve(front(broken), scope("GET"), [{"type": "http.request", "body": b""}])
    assert status == 500


def test_a_plain_generator_app_that_starts_its_response_lazily_is_served():
    def lazy(environ, start_response):
        start_response("201 Created", [("Content-Type", "text/plain")])
        yield b"made"

    status, headers, body = serve(front(lazy), scope("GET"), [{"type": "http.request", "body": b""}])
    assert (status, headers[b"content-type"], body) == (201, b"text/plain", b"made")
