from django.shortcuts import render

from .selectors import active_posts_of

# Pages a signed-in user without a post may still use.
EXEMPT_URL_NAMES = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "healthz",
    "verify",
}


class PostRequiredMiddleware:
    """A signed-in official with no active post sees a page saying so, and nothing else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_superuser:
            return None
        match = request.resolver_match
        if match and (match.url_name in EXEMPT_URL_NAMES or match.app_name == "admin"):
            return None
        if active_posts_of(request):
            return None
        return render(request, "accounts/no_post.html", status=403)
