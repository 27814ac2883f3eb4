"""Markers a view carries for the middlewares that guard every page.

Every page needs a signed-in official (Django's LoginRequiredMiddleware) unless its view is marked
`login_not_required`; a signed-in official with no active post sees only the page saying so
(communes.middleware.PostRequiredMiddleware) unless the view is marked `post_not_required`. A new view
is therefore private, and needs a post, without a word: only the public pages are marked.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required

__all__ = ["login_not_required", "post_not_required", "public"]


def post_not_required(view: Callable) -> Callable:
    """A page a signed-in official without an active post may still use (sign-out, password, language)."""
    view.post_not_required = True  # type: ignore[attr-defined]
    return view


def public(view: Callable) -> Callable:
    """A page anyone may open, signed in or not, with or without a post (/verify/, healthz)."""
    return post_not_required(login_not_required(view))
