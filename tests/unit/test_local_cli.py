"""`python -m local`'s command line: the port setting, and a port already in use."""

from __future__ import annotations

import socket

import pytest

from local.__main__ import bind, parse_args


def _app(environ, start_response):
    start_response("204 No Content", [])
    return [b""]


def test_the_port_comes_from_the_flag_else_port_else_3000(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORT", raising=False)
    assert parse_args([]).port == 3000
    monkeypatch.setenv("PORT", "3005")
    assert parse_args([]).port == 3005
    assert parse_args(["--port", "3010"]).port == 3010


def test_a_port_in_use_is_named_with_the_setting_that_changes_it(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]

        assert bind(port, _app) is None

    message = capsys.readouterr().err
    assert f"port {port}" in message
    assert "PORT=" in message
    assert "--port" in message


def test_port_zero_binds_a_free_port() -> None:
    server = bind(0, _app)
    assert server is not None
    try:
        assert server.port > 0
    finally:
        server.server_close()
