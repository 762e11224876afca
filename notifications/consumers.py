"""The live inbox: one websocket per open page, joined to the user's group."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .selectors import notifications_unread_count, user_group


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    """``ws/notifications/``: sends ``hello`` with the unread count, then every notification as it is delivered."""

    group_name = None

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            # Closing before accepting refuses the handshake (HTTP 403).
            await self.close()
            return
        self.group_name = user_group(user.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()
        unread = await database_sync_to_async(notifications_unread_count)(user=user)
        await self.send_json({"type": "hello", "unread": unread})

    async def disconnect(self, code):
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive_json(self, content, **kwargs):
        """The page only listens; reads go through the HTTP views so they stay CSRF-protected."""

    async def notify(self, event):
        payload = {key: value for key, value in event.items() if key != "type"}
        await self.send_json({"type": "notification", **payload})

    async def unread(self, event):
        await self.send_json({"type": "unread", "unread": event["unread"]})
