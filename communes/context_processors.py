from .selectors import active_posts_of


def current_posts(request):
    """The signed-in user's active posts, for the header (role and unit)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"current_posts": []}
    return {"current_posts": active_posts_of(request)}
