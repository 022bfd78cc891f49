"""Client addresses, reduced to a keyed hash at the edge.

Raw IP addresses are never stored or logged. Rate limiting and abuse review
only need to know that two requests came from the same address, which a keyed
HMAC tells without being reversible by anyone who lacks the key (a plain hash
of the 4 billion IPv4 addresses is brute-forced in minutes).
"""

import hashlib
import hmac
import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=1)
def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"ip-hash-v1", hashlib.sha256).digest()


def client_ip(request) -> str:
    """The client's address, believing X-Forwarded-For only from our own proxies.

    Anyone can send the header, so we walk it from the right and stop at the
    first hop that is not a configured proxy.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXIES
    if not trusted or remote not in trusted:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop
    return remote


def network_of(ip: str) -> str:
    """IPv6 clients rotate addresses inside their /64: limit the network, not the address."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if addr.version == 6:
        if addr.ipv4_mapped:
            return str(addr.ipv4_mapped)
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
