import pytest
from django.test import RequestFactory, override_settings

from core.privacy import client_ip, ip_hash


def test_it_hashes_an_address_with_a_key_and_never_returns_it():
    digest = ip_hash("203.0.113.7")
    assert "203.0.113.7" not in digest
    assert digest == ip_hash("203.0.113.7")
    assert digest != ip_hash("203.0.113.8")


def test_it_changes_every_hash_when_the_key_changes():
    before = ip_hash("203.0.113.7")
    with override_settings(IP_HASH_KEY="another key"):
        assert ip_hash("203.0.113.7") != before


def test_it_groups_an_ipv6_client_by_its_64_network():
    assert ip_hash("2001:db8:1:2::1") == ip_hash("2001:db8:1:2:ffff::9")
    assert ip_hash("2001:db8:1:2::1") != ip_hash("2001:db8:1:3::1")


def test_it_ignores_a_forwarded_header_from_an_untrusted_client():
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "198.51.100.1"


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_it_takes_the_first_untrusted_hop_behind_our_proxy():
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.1")
    # The client could have forged "6.6.6.6"; our proxy appended the real address last.
    assert client_ip(request) == "198.51.100.1"


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_a_proxy_that_appends_ports_does_not_give_each_connection_its_own_network():
    def hop(value):
        return client_ip(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=value))

    assert hop("198.51.100.1:51234") == hop("198.51.100.1:443") == "198.51.100.1"
    assert hop("[2001:db8::7]:8080") == "2001:db8::7"
    assert ip_hash(hop("198.51.100.1:51234")) == ip_hash("198.51.100.1")


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_a_hop_that_is_not_an_address_counts_as_the_proxy_not_as_a_new_network():
    for junk in ("unknown", "198.51.100.1:port", "1.2.3.4.5", "fe80::1%eth0", "<script>", "198.51.100.1 evil", "_hidden"):
        request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"6.6.6.6, {junk}")
        assert client_ip(request) == "127.0.0.1", junk
    # Junk the client wrote to the left of the hop our proxy appended is never reached.
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="junk, 198.51.100.1")
    assert client_ip(request) == "198.51.100.1"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "2001:db8:ffff::/48"])
def test_trusted_proxies_take_cidr_ranges():
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="198.51.100.1, 10.9.9.9, 2001:db8:ffff::5")
    assert client_ip(request) == "198.51.100.1"
    # An address outside the ranges is the client, whatever it claims.
    request = RequestFactory().get("/", REMOTE_ADDR="11.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_ip(request) == "11.0.0.1"


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_an_ipv4_mapped_proxy_address_is_the_same_proxy():
    request = RequestFactory().get("/", REMOTE_ADDR="::ffff:127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_ip(request) == "198.51.100.1"


def test_network_hash_does_not_depend_on_how_the_address_is_written():
    assert ip_hash("198.51.100.1:80") == ip_hash("198.51.100.1") == ip_hash("::ffff:198.51.100.1")
    assert ip_hash("junk") == ip_hash("other junk") == ip_hash("")


def test_a_mistyped_trusted_proxy_stops_the_server_at_start():
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    with override_settings(TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/33"]), pytest.raises(SystemCheckError, match="TRUSTED_PROXIES"):
        call_command("check")
