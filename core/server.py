"""The production server's front: a request reaches Django only once its body has arrived.

Django runs in a few threads per server process. When a thread takes the
request first and then reads the body (granian's WSGI interface does), a
client sending its body at one byte a second holds that thread as long as it
likes: eight such clients held every thread of `make serve`, and every page,
cached ones included, timed out. So granian speaks ASGI to `config/asgi.py`:
the body is read here, in the event loop, where a waiting client costs a
coroutine and a few bytes (a large upload goes to a temporary file), within a
deadline that grows with what has arrived (408) and a size cap (413). Then
Django's WSGI application runs in a fixed pool of threads, as under a WSGI
server (each thread keeps its own persistent database connection).

Why not a library: a2wsgi runs the app in a thread at once and reads the body
from there (the attack again), and costs three event-loop round trips per
response (2,800-3,900 pages/s against 6,600-9,300 here, bench/); Django's
own ASGI handler gives every request a new thread, hence a new database
connection.
"""

import asyncio
import itertools
import logging
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote_to_bytes

logger = logging.getLogger(__name__)

REFUSALS = {
    408: b"The request body did not arrive in time.\n",
    413: b"The request body is too large.\n",
    500: b"Server error.\n",
}
STREAM_WINDOW = 8  # chunks of a streaming response (CSV export, static file) produced ahead of the client


class _Refused(Exception):
    def __init__(self, status: int):
        self.status = status


class _ClientGone(Exception):
    pass


class WSGIInThreads:
    """ASGI application: read the body whole, then run the WSGI `app` in one of `threads` threads.

    The body must be at most `max_body` bytes, and arrive within `body_timeout`
    seconds plus one second per `min_rate` bytes received (Apache's
    mod_reqtimeout rule): an upload at a decent pace goes on, a drip is cut.
    """

    def __init__(self, app, *, threads: int, body_timeout: float, min_rate: int, max_body: int):
        self.app = app
        self.body_timeout = body_timeout
        self.min_rate = min_rate
        self.max_body = max_body
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="wsgi")

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            return await self._lifespan(receive, send)
        if scope["type"] != "http":
            return None
        try:
            body = await self._read_body(scope, receive)
        except TimeoutError:
            return await _refuse(send, 408)
        except _Refused as refused:
            return await _refuse(send, refused.status)
        if body is None:  # the client left
            return None
        channel = _Channel(asyncio.get_running_loop())
        # Not run_in_executor: its future would cost a second wake-up of the loop; the channel says all.
        self.pool.submit(self._run, environ_for(scope, body), channel)
        try:
            await _relay(channel, send)
        finally:
            channel.close()

    async def _read_body(self, scope, receive) -> "Body | None":
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_body:
                raise _Refused(413)
        body = Body()
        start = asyncio.get_running_loop().time()
        try:
            async with asyncio.timeout_at(start + self.body_timeout) as deadline:
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        body.close()
                        return None
                    body.write(message.get("body", b""))
                    if body.size > self.max_body:
                        raise _Refused(413)
                    if not message.get("more_body", False):
                        body.seek(0)
                        return body
                    deadline.reschedule(start + self.body_timeout + body.size / self.min_rate)
        except BaseException:
            body.close()
            raise

    def _run(self, environ, channel: "_Channel") -> None:
        """In a pool thread: call the app and hand its response to the event loop."""
        response = {}

        def start_response(status, headers, exc_info=None):
            response["status"] = int(status.split(" ", 1)[0])
            response["headers"] = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]

        try:
            result = self.app(environ, start_response)
        except Exception:
            logger.exception("the application failed")
            environ["wsgi.input"].close()
            channel.put(("abort", None, None, None))
            return
        try:
            if getattr(result, "streaming", None) is False or isinstance(result, list | tuple):
                # An ordinary response: one trip to the event loop with the whole body.
                channel.put(("whole", response["status"], response["headers"], b"".join(result)))
                return
            # A streaming one is iterated in this same thread (a queryset's cursor belongs to its thread).
            chunks = iter(result)
            first = next(chunks, b"")  # a generator app calls start_response when first iterated
            channel.put(("start", response["status"], response["headers"], None))
            for chunk in itertools.chain([first], chunks):
                if chunk:
                    channel.put_chunk(chunk)
            channel.put(("end", None, None, None))
        except _ClientGone:
            pass
        except Exception:
            logger.exception("the response failed")
            channel.put(("abort", None, None, None))
        finally:
            if hasattr(result, "close"):
                result.close()  # Django's request_finished: connections and the like are tidied in this thread
            environ["wsgi.input"].close()  # a spooled upload's temporary file goes away

    async def _lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":  # requests still queued for a thread are served first
                await send({"type": "lifespan.shutdown.complete"})
                return


class Body:
    """A request body: in memory while small, in a temporary file (deleted on close) past MEMORY_LIMIT."""

    MEMORY_LIMIT = 1024 * 1024

    def __init__(self):
        self.file = tempfile.SpooledTemporaryFile(max_size=self.MEMORY_LIMIT)  # noqa: SIM115 - closed by the WSGI server
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        self.file.write(chunk)

    def seek(self, position: int) -> None:
        self.file.seek(position)

    def close(self) -> None:
        self.file.close()


class _Channel:
    """From the pool thread to the event loop; a streaming response waits when STREAM_WINDOW chunks are unsent."""

    def __init__(self, loop):
        self.loop = loop
        self.queue: asyncio.Queue = asyncio.Queue()
        self.window = threading.Semaphore(STREAM_WINDOW)
        self.closed = False

    def put(self, item) -> None:
        if not self.closed:
            self.loop.call_soon_threadsafe(self.queue.put_nowait, item)

    def put_chunk(self, chunk: bytes) -> None:
        self.window.acquire()
        if self.closed:
            raise _ClientGone
        self.put(("chunk", None, None, chunk))

    def sent_one(self) -> None:
        self.window.release()

    def close(self) -> None:
        self.closed = True
        self.window.release(STREAM_WINDOW)  # wake a producer waiting for room, so it stops


async def _relay(channel: _Channel, send):
    kind, status, headers, body = await channel.queue.get()
    if kind == "abort":
        return await _refuse(send, 500)
    if kind == "whole":
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})
        return
    await send({"type": "http.response.start", "status": status, "headers": headers})
    while True:
        kind, _, _, body = await channel.queue.get()
        if kind == "chunk":
            await send({"type": "http.response.body", "body": body, "more_body": True})
            channel.sent_one()
        elif kind == "end":
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        else:  # the app failed mid-stream: returning unfinished makes the server cut the connection
            return None


async def _refuse(send, status: int) -> None:
    body = REFUSALS[status]
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def environ_for(scope, body: Body) -> dict:
    """The WSGI environ (PEP 3333) of an ASGI HTTP scope whose body has been read."""
    raw_path = scope.get("raw_path")
    # PEP 3333: the path's bytes as latin-1, whatever they are (a malformed %FF is Django's to refuse).
    path = unquote_to_bytes(raw_path.split(b"?", 1)[0]) if raw_path else scope["path"].encode()
    server = scope.get("server") or ("127.0.0.1", 80)
    client = scope.get("client") or ("", 0)
    environ = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", "").encode().decode("latin-1"),
        "PATH_INFO": path.decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": server[0],
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": client[0],
        "REMOTE_PORT": str(client[1]),
        "CONTENT_LENGTH": str(body.size),  # the real length, chunked uploads included
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body.file,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for name, value in scope.get("headers", ()):
        key = name.decode("latin-1").upper()
        if "_" in key:
            continue  # X_Forwarded_For would pass for X-Forwarded-For: drop it, as nginx and gunicorn do
        key = key.replace("-", "_")
        if key == "CONTENT_LENGTH":
            continue
        if key != "CONTENT_TYPE":
            key = "HTTP_" + key
        value = value.decode("latin-1")
        if key in environ:
            value = environ[key] + ("; " if key == "HTTP_COOKIE" else ",") + value
        environ[key] = value
    return environ
