"""The allow and block lists, read once per few seconds per process."""

import ipaddress
import time

from .models import ListEntry

_TTL = 10
_cache = {"at": -_TTL, "entries": {}}


def _load() -> dict:
    if time.monotonic() - _cache["at"] > _TTL:
        entries = {(a, k): set() for a in ListEntry.Action.values for k in ListEntry.Kind.values}
        for action, kind, value in ListEntry.objects.values_list("action", "kind", "value"):
            entries[action, kind].add(value)
        networks = {
            action: [ipaddress.ip_network(v, strict=False) for v in entries[action, "network"]]
            for action in ListEntry.Action.values
        }
        _cache.update(at=time.monotonic(), entries=entries, networks=networks)
    return _cache


def reset() -> None:
    _cache["at"] = -_TTL


def network_mark(ip: str) -> str:
    """'allow', 'block' or '' for a client address, checked in the request (the address is then dropped)."""
    networks = _load()["networks"]
    if not networks["allow"] and not networks["block"]:
        return ""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    for action in ("allow", "block"):
        if any(address in network for network in networks[action]):
            return action
    return ""


def email_mark(email_hash: str | None, domain: str) -> str:
    entries = _load()["entries"]
    for action in ("allow", "block"):
        if (email_hash and email_hash in entries[action, "email"]) or domain in entries[action, "domain"]:
            return action
    return ""
