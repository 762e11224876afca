from django.utils.functional import SimpleLazyObject

from .selectors import notifications_unread_count


def inbox(request):
    """``unread_notifications`` for the header badge: one COUNT on a partial index, run only if a template uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: notifications_unread_count(user=user))}
