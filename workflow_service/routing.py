"""Websocket routes, collected from the apps that serve live updates."""

websocket_urlpatterns = []
