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
