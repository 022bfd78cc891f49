"""nginx from Debian's package, with the shipped configuration (deploy/nginx/) rendered for a test, in front of a Site.

Used by the deployment tests (deploy/tests/) and the read benchmark through
nginx's cache (`python -m bench.proxy`). The main nginx.conf here mirrors
Debian's /etc/nginx/nginx.conf, with its paths moved into a temp dir; the site
file is deploy/nginx/stopshotspotter.conf as shipped, with test ports and paths.
"""

import os
import shutil
import signal
import socket
import ssl
import subprocess
import time
from pathlib import Path

from bench.site import ROOT, Site, free_port
from deploy.render import render

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
DOMAIN = "localhost"  # resolves to 127.0.0.1 and is sent as SNI, as a real name would be

MAIN_CONF = """\
# As Debian's /etc/nginx/nginx.conf, paths moved to {dir}.
{user}
worker_processes auto;
pid {dir}/nginx.pid;
error_log {dir}/logs/main-error.log;
include /etc/nginx/modules-enabled/*.conf;
events {{
    worker_connections 768;
}}
http {{
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;
    access_log {dir}/logs/main-access.log;
    gzip on;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    include {dir}/sites-enabled/*;
}}
"""


def available() -> bool:
    return NGINX is not None and shutil.which("openssl") is not None


def version() -> str:
    out = subprocess.run([NGINX, "-v"], capture_output=True, text=True)
    return (out.stderr or out.stdout).strip().replace("nginx version: ", "")


def self_signed(directory: Path, domain: str) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={domain}",
         "-addext", f"subjectAltName=DNS:{domain}", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


class Proxy:
    """nginx in front of `site`; it sets the site's settings for the proxy, so start the site's server after this."""

    def __init__(self, site: Site):
        self.site = site
        self.dir = site.dir / "nginx"
        for sub in ("logs", "tmp", "cache", "acme", "sites-enabled"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        self.http_port, self.https_port = free_port(), free_port()
        while self.https_port == self.http_port:
            self.https_port = free_port()
        self.base = f"https://{DOMAIN}:{self.https_port}"
        self.process: subprocess.Popen | None = None
        self.cert, self.key = self_signed(self.dir, DOMAIN)
        self.tls = ssl.create_default_context(cafile=str(self.cert))
        # The app's settings as in production behind this proxy: an HTTPS site, nginx trusted.
        site.env.update({"SITE_URL": self.base, "ALLOWED_HOSTS": f"{DOMAIN},127.0.0.1", "TRUSTED_PROXIES": "127.0.0.1,::1"})
        site.ready_headers = {"X-Forwarded-Proto": "https"}

    def render_site(self) -> str:
        return render(
            (ROOT / "deploy" / "nginx" / "stopshotspotter.conf").read_text(),
            DOMAIN=DOMAIN, HTTP_PORT=str(self.http_port), HTTPS_PORT=str(self.https_port), APP=f"127.0.0.1:{self.site.port}",
            TLS_CERT=str(self.cert), TLS_KEY=str(self.key), ACME_ROOT=str(self.dir / "acme"),
            CACHE_DIR=str(self.dir / "cache"), LOG_DIR=str(self.dir / "logs"),
        )  # fmt: skip

    def start(self) -> None:
        (self.dir / "sites-enabled" / "stopshotspotter").write_text(self.render_site())
        user = "user root;" if os.geteuid() == 0 else ""  # workers must read the temp dir the test made
        conf = self.dir / "nginx.conf"
        conf.write_text(MAIN_CONF.format(dir=self.dir, user=user))
        test = subprocess.run([NGINX, "-t", "-q", "-p", str(self.dir), "-c", str(conf)], capture_output=True, text=True)
        if test.returncode:
            raise RuntimeError(f"nginx -t refused the configuration:\n{test.stderr}")
        self.process = subprocess.Popen(
            [NGINX, "-p", str(self.dir), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=open(self.dir / "logs" / "stderr.log", "ab"),  # noqa: SIM115
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("nginx exited: " + (self.dir / "logs" / "stderr.log").read_text())
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("nginx did not start in 20 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: workers finish their requests
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self.process = None

    def access_log(self) -> str:
        path = self.dir / "logs" / "stopshotspotter.access.log"
        return path.read_text() if path.exists() else ""

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
