"""The web application: server-rendered Korean pages and the ``/api/v1`` JSON API."""

from .app import create_app

__all__ = ["create_app"]
