"""CLI: the ``serve`` command (``cli.py`` adds it to the ``speechtree`` group).

FastAPI and uvicorn are imported inside the command, so ``speechtree
--version`` and the other commands never load them.
"""

from __future__ import annotations

import sys

import click

from .options import DEFAULT_MAX_BYTES


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


EXIT_USAGE = 2  # as cli.EXIT_USAGE (cli.py imports this module: no import back)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but a loopback address lets other "
                   "computers use the page.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a browser.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES,
              show_default=True, help="Reject larger drafts (413).")
def serve_cmd(host: str, port: int, open_browser: bool, max_bytes: int) -> None:
    """Serve the draft-checking page and its HTTP API (POST /api/parse, /api/lint,
    /api/diff) on HOST:PORT. Nothing is written to disk or kept."""
    from .web import INSTALL_HINT

    try:
        import uvicorn

        from .web.app import LOOPBACK_NAMES, create_app
    except ImportError as exc:
        click.echo(f"speechtree: error: serve needs the web extra ({exc.name} is missing): "
                   f"{INSTALL_HINT}", err=True)
        sys.exit(EXIT_USAGE)
    local = _loopback(host)
    if not local:
        click.echo(f"speechtree: warning: listening on {host}, not a loopback address: "
                   "anyone who can reach it can use the page", err=True)
    hosts = LOOPBACK_NAMES if local else ("*",)
    app = create_app(max_bytes=max_bytes, allowed_hosts=hosts)
    shown_host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    config = uvicorn.Config(app, host=host, port=port, log_level="warning",
                            access_log=False, server_header=False)
    server = uvicorn.Server(config)
    url = f"http://{shown_host}:{port}/"
    click.echo(f"speechtree serve: {url} (Ctrl-C to stop)", err=True)
    if open_browser:
        import threading
        import webbrowser

        def opener() -> None:
            while not server.started and not server.should_exit:
                threading.Event().wait(0.05)
            if server.started:
                webbrowser.open(url)

        threading.Thread(target=opener, daemon=True).start()
    server.run()
