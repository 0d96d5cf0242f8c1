"""The test suite never reaches outside this machine.

The guard is checked without ever handing a non-local address to a real socket call.
"""

from __future__ import annotations

import socket

import pytest

from tests.conftest import _guarded_connect, _local_only


@pytest.mark.parametrize("address", [("192.0.2.1", 443), ("2001:db8::1", 443, 0, 0),
                                     ("10.0.0.5", 5432), ("api.telegram.org", 443)])
def test_addresses_outside_loopback_are_refused(address: tuple[object, ...]) -> None:
    with pytest.raises(ConnectionRefusedError, match=r"outside 127\.0\.0\.1"):
        _local_only(address)


@pytest.mark.parametrize("address", [("127.0.0.1", 5432), ("::1", 8008, 0, 0),
                                     ("localhost", 80), "/run/postgresql/.s.PGSQL.5432"])
def test_local_addresses_pass(address: object) -> None:
    _local_only(address)


def test_every_socket_connect_goes_through_the_guard() -> None:
    assert socket.socket.connect is _guarded_connect
