"""Fill in a file of deploy/ for one server: `python3 deploy/render.py deploy/nginx/stopshotspotter.conf DOMAIN=example.org`.

The files name what a server changes as @NAME@; every other value is the
production one. Standard library only, so it runs before the virtualenv exists.
"""

import re
import sys
from pathlib import Path

DEFAULTS = {
    "DOMAIN": None,  # required: the site's host name
    "HTTP_PORT": "80",
    "HTTPS_PORT": "443",
    "APP": "127.0.0.1:8000",  # where `make serve` listens (PORT in the environment file)
    "TLS_CERT": "/etc/letsencrypt/live/@DOMAIN@/fullchain.pem",
    "TLS_KEY": "/etc/letsencrypt/live/@DOMAIN@/privkey.pem",
    "ACME_ROOT": "/var/www/letsencrypt",
    "CACHE_DIR": "/var/cache/nginx/stopshotspotter",
    "LOG_DIR": "/var/log/nginx",
}
PLACEHOLDER = re.compile(r"@([A-Z_]+)@")


def render(text: str, **values: str) -> str:
    unknown = set(values) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"unknown names: {', '.join(sorted(unknown))} (known: {', '.join(DEFAULTS)})")
    merged = {**DEFAULTS, **values}
    missing = [name for name, value in merged.items() if value is None]
    if missing:
        raise ValueError(f"give {', '.join(f'{name}=...' for name in missing)}")
    for _ in range(3):  # defaults may name other values (TLS_CERT names DOMAIN)
        text = PLACEHOLDER.sub(lambda m: merged.get(m[1], m[0]), text)
    left = sorted(set(PLACEHOLDER.findall(text)))
    if left:
        raise ValueError(f"no value for {', '.join(left)}")
    return text


def main(argv: list[str]) -> int:
    if not argv or any("=" not in arg for arg in argv[1:]):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        print(render(Path(argv[0]).read_text(), **dict(arg.split("=", 1) for arg in argv[1:])), end="")
    except ValueError as e:
        print(f"render.py: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
