"""Slow clients: a connection that sends nothing, or trickles its request head, is closed after
`--idle-timeout-s`, while a client that sends its request normally is answered."""

import socket
import time

import pytest
import requests

from conftest import start_server

IDLE_SECONDS = 2


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = start_server(tmp_path_factory, "--idle-timeout-s", str(IDLE_SECONDS))
    yield server
    server.stop()


def closed_by_server(sock, wait):
    """True when the server closes `sock` (recv returns b"" or the connection resets) within
    `wait` seconds."""
    sock.settimeout(wait)
    try:
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def test_a_silent_connection_is_closed(server):
    sock = socket.create_connection(("127.0.0.1", server.port))
    try:
        assert closed_by_server(sock, wait=IDLE_SECONDS * 5)
    finally:
        sock.close()
    assert requests.get(server.url("/"), timeout=10).status_code == 200


def test_a_trickled_request_head_is_closed(server):
    sock = socket.create_connection(("127.0.0.1", server.port))
    try:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        deadline = time.monotonic() + IDLE_SECONDS * 5
        closed = False
        # One header byte a second: the head never completes, and the server must give up on it.
        while time.monotonic() < deadline:
            try:
                sock.sendall(b"X")
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            if closed_by_server(sock, wait=1):
                closed = True
                break
        assert closed, "the server kept a connection whose request head never ended"
    finally:
        sock.close()


def test_many_idle_connections_do_not_block_others(server):
    socks = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(50)]
    try:
        assert requests.get(server.url("/explore/"), timeout=10).status_code == 200
        time.sleep(IDLE_SECONDS * 2)
        assert all(closed_by_server(sock, wait=IDLE_SECONDS * 3) for sock in socks)
    finally:
        for sock in socks:
            sock.close()


def test_a_keep_alive_client_that_keeps_asking_is_served(server):
    with requests.Session() as session:
        for _ in range(3):
            assert session.get(server.url("/"), timeout=10).status_code == 200
            time.sleep(IDLE_SECONDS / 4)
