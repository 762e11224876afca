"""Websocket routes, collected from the apps that serve live updates."""

from notifications.routing import websocket_urlpatterns as notification_routes

websocket_urlpatterns = [*notification_routes]
