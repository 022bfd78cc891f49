"""One sign request in-process, layer by layer: where its CPU goes.

    python -m bench.sign_profile [--n 2000] [--middleware public|full]

Migrates a fresh SQLite database in a temp dir, loads the default content,
then POSTs the sign form n times through Django's handler (as `make serve`
does, without the server) with a solved proof of work bound to each request's
address, timing each middleware's own share (its time minus the next one's),
the view's parts (form, proof of work, HMACs, INSERT, reply) with cProfile.
Prints microseconds of CPU per signature. A laboratory figure: no server, no
wrk, one thread; the share of each part is what to read.
"""

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time

# The sign path's parts, timed where they are looked up (a name that moved is skipped).
PARTS = [
    ("signatures.views", "get_campaign", "campaign lookup (cache)"),
    ("signatures.views", "client_ip", "client address (proxy header)"),
    ("signatures.services", "submit", "services.submit, all of it:"),
    ("signatures.forms", "SignForm.__init__", "  form: construct (field copies)"),
    ("signatures.forms", "SignForm.full_clean", "  form: clean (validation)"),
    ("signatures.services", "network_hash", "  HMAC: network hash"),
    ("signatures.services", "screen", "  defence: screen, with"),
    ("defence.pow", "verify", "    proof of work: verify (HMAC, SHA-256)"),
    ("defence.pow", "bound_to", "    proof of work: binding (HMAC)"),
    ("defence.lists", "network_mark", "    block/allow lists"),
    ("signatures.services", "_new_signature", "  HMACs: email hash, person id"),
    ("signatures.services", "_insert_with_shares", "  INSERT + writer lock + COMMIT, with"),
    ("signatures.services", "insert", "    INSERT (field conversions)"),
    ("signatures.views", "_check_email_page", "reply page (cached render)"),
]


def time_parts() -> dict[str, float]:
    import importlib

    spent: dict[str, float] = {}
    for module_name, attr, label in PARTS:
        owner = importlib.import_module(module_name)
        *path, name = attr.split(".")
        for step in path:
            owner = getattr(owner, step, None)
        if owner is None or not hasattr(owner, name):
            continue
        original = getattr(owner, name)
        spent[label] = 0.0

        def wrapper(*args, _original=original, _label=label, **kwargs):
            t = time.thread_time()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_label] += time.thread_time() - t

        setattr(owner, name, wrapper)
    return spent


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.sign_profile", description=__doc__)
    p.add_argument("--n", type=int, default=2000)
    p.add_argument("--middleware", choices=["full", "public"], default="full",
                   help="the stack a sign request runs through (public: settings.PUBLIC_MIDDLEWARE)")  # fmt: skip
    args = p.parse_args(argv)
    work = tempfile.mkdtemp(prefix="sign-profile-")
    os.environ.update(DEBUG="0", DATABASE_URL=f"sqlite:///{work}/db.sqlite3", DJANGO_SETTINGS_MODULE="config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import RequestFactory

    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_default_content", verbosity=0)
    from bench.probe import campaign, proofs
    from bench.site import PETITION
    from signatures.models import Signature

    campaign()
    proof_file = f"{work}/proofs.txt"
    proofs(str(args.n), proof_file, "1")
    with open(proof_file) as f:
        lines = f.read().split()
    import django.core.handlers.base as base
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    totals: dict[str, float] = {}
    layers: list[str] = []
    original = base.convert_exception_to_response

    def timed(get_response):
        """Django wraps every layer in this: time each layer's CPU, the layers inside it included."""
        inner = original(get_response)
        name = getattr(get_response, "__name__", None) or type(get_response).__name__
        name = "view (URL resolving included)" if name == "_get_response" else name
        layers.insert(0, name)
        totals[name] = 0.0

        def layer(request):
            t = time.thread_time()
            try:
                return inner(request)
            finally:
                totals[name] += time.thread_time() - t

        return layer

    class Handler(WSGIHandler):
        def load_middleware(self, is_async=False):
            names = settings.PUBLIC_MIDDLEWARE if args.middleware == "public" else settings.MIDDLEWARE
            with override_settings(MIDDLEWARE=names):
                base.convert_exception_to_response = timed
                try:
                    super().load_middleware(is_async)
                finally:
                    base.convert_exception_to_response = original

    handler = Handler()
    factory = RequestFactory()

    def environ(i):
        sent = i + 1
        ip = f"198.{18 + 1 % 2}.{sent // 250 % 250}.{sent % 250 + 1}"
        body = (f"signer=individual&name=Bench+Signer&email=prof-{i}%40example.org&zip_code=10001&show_name=on"
                f"&pow={lines[i]}")  # fmt: skip
        req = factory.post(PETITION + "sign/", body, content_type="application/x-www-form-urlencoded",
                           HTTP_X_FORWARDED_FOR=ip, REMOTE_ADDR="127.0.0.1", HTTP_HOST="localhost")  # fmt: skip
        return req.environ

    envs = [environ(i) for i in range(args.n)]
    warm = 50
    status = []
    for e in envs[:warm]:
        b"".join(handler(e, lambda s, h, *a: status.append(s)))
    print("status of the warm-up requests:", set(status))
    parts = time_parts()
    half = warm + (args.n - warm) // 2
    for name in totals:
        totals[name] = 0.0
    t0, c0 = time.perf_counter(), time.process_time()
    for e in envs[warm:half]:
        b"".join(handler(e, lambda s, h, *a: None))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    n = half - warm
    print(f"{n} signatures: {cpu / n * 1e6:.0f} us CPU each ({wall / n * 1e6:.0f} us wall), {args.middleware} stack")
    print("each layer's own share, outermost first (us of CPU per signature):")
    for i, name in enumerate(layers):
        inner = totals[layers[i + 1]] if i + 1 < len(layers) else 0
        print(f"  {name:34s} {(totals[name] - inner) / n * 1e6:6.0f}")
    print("inside the view, each part with what it calls (us of CPU per signature):")
    for name, spent in parts.items():
        print(f"  {name:34s} {spent / n * 1e6:6.0f}")
    for name in parts:
        parts[name] = 0.0
    prof = cProfile.Profile()
    prof.enable()
    for e in envs[half:]:
        b"".join(handler(e, lambda s, h, *a: None))
    prof.disable()
    print(f"then {args.n - half} under cProfile; {Signature.objects.count()} rows in all")
    stats = pstats.Stats(prof)
    print()
    stats.sort_stats("cumulative").print_stats(45)
    return 0


if __name__ == "__main__":
    sys.exit(main())
