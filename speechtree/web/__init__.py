"""Web app: ``speechtree serve``, a local page and HTTP API over the library.

Needs the ``web`` extra (``pip install 'speechtree[web]'``): FastAPI, uvicorn
and python-multipart. ``create_app`` builds the app; the CLI's ``serve``
command runs it on 127.0.0.1.
"""

from __future__ import annotations

INSTALL_HINT = "pip install 'speechtree[web]'"

__all__ = ["INSTALL_HINT"]
