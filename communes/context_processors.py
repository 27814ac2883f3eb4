from .selectors import active_posts_of


def current_posts(request):
    """The signed-in user's active posts, for the header (role and unit)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"current_posts": []}
    posts = active_posts_of(request)
    return {
        "current_posts": posts,
        "province_staff": request.user.is_superuser or any(p.province_id for p in posts),
    }
