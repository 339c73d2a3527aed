"""The SSRF address rules: every way of writing a private IPv4 address inside IPv6, every numeric spelling of
an IPv4 host, and DNS answers that mix public and private addresses are refused; real public hosts are not."""

from __future__ import annotations

import pytest

from qinglang.imaging import ImageError
from qinglang.imaging.fetch import embedded_ipv4, is_public_address, resolve_public

PRIVATE = [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
    "198.18.0.1", "192.0.0.8", "240.0.0.1", "255.255.255.255", "224.0.0.1",
    "::1", "::", "fe80::1", "fc00::1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:169.254.169.254",  # IPv4-mapped
    "::127.0.0.1", "::93.184.216.34",  # IPv4-compatible (deprecated): refused whatever they carry
    "::ffff:0:7f00:1",  # IPv4-translated
    "2002:7f00:1::", "2002:a00:1::1", "2002:a9fe:a9fe::",  # 6to4 of 127.0.0.1, 10.0.0.1, 169.254.169.254
    "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe",  # NAT64 of loopback and of the metadata service
    "64:ff9b:1::5db8:d822",  # NAT64 local-use prefix
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    "2001:0:5db8:d822:0:0:f5ff:fffe",  # Teredo with a public server, client 10.0.0.1
]
PUBLIC = ["93.184.216.34", "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946", "::ffff:93.184.216.34",
          "2002:5db8:d822::1", "64:ff9b::5db8:d822"]


@pytest.mark.parametrize("address", PRIVATE)
def test_private_addresses_in_any_spelling_are_not_public(address):
    assert not is_public_address(address)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass_including_through_6to4_and_nat64(address):
    assert is_public_address(address)


def test_embedded_ipv4_finds_the_address_each_mechanism_carries():
    import ipaddress

    assert [str(a) for a in embedded_ipv4(ipaddress.IPv6Address("2002:a00:1::"))] == ["10.0.0.1"]
    assert [str(a) for a in embedded_ipv4(ipaddress.IPv6Address("64:ff9b::a9fe:a9fe"))] == ["169.254.169.254"]
    teredo = embedded_ipv4(ipaddress.IPv6Address("2001:0:5db8:d822:0:0:f5ff:fffe"))
    assert sorted(str(a) for a in teredo) == ["10.0.0.1", "93.184.216.34"]


@pytest.mark.parametrize(
    "host",
    ["2130706433", "0x7f.1", "0177.0.0.1", "017700000001", "0x7f000001", "127.1", "localhost", "[::ffff:7f00:1]",
     "[2002:7f00:1::]", "[64:ff9b::7f00:1]"],
)
def test_numeric_spellings_of_loopback_are_resolved_then_refused(host):
    """The C resolver reads decimal, octal and hex IPv4 spellings; the check runs on what it answered."""
    with pytest.raises(ImageError) as info:
        resolve_public(f"http://{host}/a.png")
    assert info.value.code == "image_fetch_refused"


def test_a_name_with_one_private_answer_among_public_ones_is_refused():
    def answers(_host, _port):
        return ["93.184.216.34", "10.0.0.1"]

    with pytest.raises(ImageError) as info:
        resolve_public("https://cdn.example/a.png", answers)
    assert "private" in info.value.message


def test_a_public_name_is_pinned_to_the_address_that_was_checked():
    assert resolve_public("https://cdn.example:8443/a.png", lambda _h, _p: ["93.184.216.34"]) == (
        "cdn.example", "93.184.216.34", 8443,
    )
