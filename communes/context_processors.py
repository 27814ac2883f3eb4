from .selectors import active_posts_of, site_province


def current_posts(request):
    """The signed-in user's active posts, for the header (role and unit), and the deployment's province
    (the brand): names come from the data, never the code."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"current_posts": [], "province": site_province()}
    posts = active_posts_of(request)
    return {
        "current_posts": posts,
        "province_staff": request.user.is_superuser or any(p.province_id for p in posts),
        "sees_every_province": any(p.role == "ministry_viewer" for p in posts),
        "keeps_register": any(p.role in ("district_clerk", "provincial_clerk") for p in posts),
        "province": site_province(),
    }
