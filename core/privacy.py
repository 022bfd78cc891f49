"""Client addresses, reduced to a keyed hash at the edge.

Raw IP addresses are never stored or logged. Rate limiting and abuse review
only need to know that two requests came from the same address, which a keyed
HMAC tells without being reversible by anyone who lacks the key (a plain hash
of the 4 billion IPv4 addresses is brute-forced in minutes).
"""

import hashlib
import hmac
import ipaddress
import re
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# A hop as proxies write it: an address, "1.2.3.4:port" or "[2001:db8::1]:port". Nothing else.
_HOP = re.compile(r"\[(?P<bracketed>[0-9A-Fa-f:.]+)\](?::\d{1,5})?|(?P<v4>[0-9.]+)(?::\d{1,5})?|(?P<v6>[0-9A-Fa-f:.]+)")


@lru_cache(maxsize=1)
def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"ip-hash-v1", hashlib.sha256).digest()


def parse_address(text: str) -> Address | None:
    """The address in an X-Forwarded-For hop or REMOTE_ADDR, without its port; None for anything else.

    Strict, because a hop hashed as written ("203.0.113.7:51234", junk) would
    make every connection a network of its own and walk around the limits.
    """
    match = _HOP.fullmatch(text.strip())
    if not match:
        return None
    try:
        addr = ipaddress.ip_address(match["bracketed"] or match["v4"] or match["v6"])
    except ValueError:
        return None
    if addr.version == 6 and addr.ipv4_mapped:
        return addr.ipv4_mapped
    return addr


@lru_cache(maxsize=4)
def _proxy_networks(entries: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    try:
        return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())
    except ValueError as e:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES takes addresses and CIDR ranges (10.0.0.0/8): {e}") from None


def trusted_proxy_networks():
    return _proxy_networks(tuple(settings.TRUSTED_PROXIES))


def _trusted(addr: Address, networks) -> bool:
    return any(addr.version == net.version and addr in net for net in networks)


def client_ip(request) -> str:
    """The client's address, believing X-Forwarded-For only from our own proxies.

    Anyone can send the header, so we walk it from the right and stop at the
    first hop that is not one of our proxies (TRUSTED_PROXIES: addresses and
    CIDR ranges). A hop that is not an address was written by a proxy we
    trust but cannot read: the request counts as the proxy's own, so such
    clients share one network's limits rather than getting one each.
    """
    remote = parse_address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return ""
    networks = trusted_proxy_networks()
    if not networks or not _trusted(remote, networks):
        return str(remote)
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        addr = parse_address(hop)
        if addr is None:
            return str(remote)
        if not _trusted(addr, networks):
            return str(addr)
    return str(remote)


def network_of(ip: str) -> str:
    """IPv6 clients rotate addresses inside their /64: limit the network, not the address."""
    addr = parse_address(ip)
    if addr is None:
        return ""  # no address at all: one shared bucket, never a new one per spelling
    if addr.version == 6:
        return str(ipaddress.ip_network(f"{addr}/64", strict=False))
    return str(addr)


def ip_hash(ip: str) -> str:
    key = _key(getattr(settings, "IP_HASH_KEY", "") or settings.SECRET_KEY)
    return hmac.new(key, network_of(ip).encode(), hashlib.sha256).hexdigest()[:32]


def request_ip_hash(request) -> str:
    return ip_hash(client_ip(request))


def pseudonymous_ip(request) -> str:
    """The keyed hash of the client's network, written as a private IPv6 address.

    For libraries that insist on an IP field (django-axes' login lockout): they
    get a stable per-network value that is not the address and cannot be
    turned back into it.
    """
    digest = request_ip_hash(request)[:30]
    groups = ["fd" + digest[:2]] + [digest[i : i + 4] for i in range(2, 30, 4)]
    return ":".join(groups)
