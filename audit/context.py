"""Who is acting now: set per request by the middleware, by a service when it knows better."""

import contextlib
import contextvars

_current_actor = contextvars.ContextVar("audit_actor", default=None)


def current_actor():
    """The acting user. Under the middleware the variable holds the request, not its lazy
    ``request.user``: asgiref copies context variables across the sync/async boundary and
    inspecting a lazy user there loads it from the database in async code (a hang under daphne)."""
    value = _current_actor.get()
    if isinstance(value, _RequestActor):
        return getattr(value.request, "user", None)
    return value


class _RequestActor:
    __slots__ = ("request",)

    def __init__(self, request):
        self.request = request


@contextlib.contextmanager
def acting_as(user):
    token = _current_actor.set(user)
    try:
        yield
    finally:
        _current_actor.reset(token)


class AuditActorMiddleware:
    """Makes ``request.user`` the actor of every audit entry written while the request runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_actor.set(_RequestActor(request))
        try:
            return self.get_response(request)
        finally:
            _current_actor.reset(token)
