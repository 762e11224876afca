"""Notifications (通知): who is told what, delivered in-app (live over Channels), by email and by SMS."""
