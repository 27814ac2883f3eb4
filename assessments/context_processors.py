from .models import Notification


def unread_notifications(request):
    """The bell's count: one query per request for signed-in users (remembered on the request, for the
    fragments rendered with it, such as the dossier page's panels)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not hasattr(request, "_unread_notifications"):
        request._unread_notifications = Notification.objects.filter(
            recipient=user, read_at__isnull=True
        ).count()
    return {"unread_notifications": request._unread_notifications}
