from .selectors import active_posts_of, post_province, site_province


def current_posts(request):
    """The signed-in user's active posts, for the header (role and unit), and the province the pages
    speak for (the user's, else the deployment's): names come from the data, never the code."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"current_posts": [], "province": site_province()}
    posts = active_posts_of(request)
    return {
        "current_posts": posts,
        "province_staff": request.user.is_superuser or any(p.province_id for p in posts),
        "province": post_province(posts[0]) if posts else site_province(),
    }
