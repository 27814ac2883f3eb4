from django.shortcuts import render

from .permissions import version_read
from .selectors import active_posts_of


class PostRequiredMiddleware:
    """A signed-in official with no active post sees a page saying so, and nothing else: only the views
    marked `accounts.decorators.post_not_required` (sign-out, password, language, the public pages) and
    the admin stay open to them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The user's row was read for this request: what is kept under its grants version serves it.
        version_read(request.user)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_superuser:
            return None
        if getattr(view_func, "post_not_required", False):
            return None
        match = request.resolver_match
        if match and match.app_name == "admin":
            return None
        if active_posts_of(request):
            return None
        return render(request, "accounts/no_post.html", status=403)
