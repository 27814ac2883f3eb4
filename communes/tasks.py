"""Celery tasks of units and posts: thin, they call the services."""

from celery import shared_task


@shared_task(acks_late=True)
def sync_posts() -> int:
    """Nightly: group memberships follow the posts that started or ended today. Authorisation does not
    wait for it (it reads the posts' dates at each check); this keeps guardian's own tables true too."""
    from .services import sync_all_posts

    return sync_all_posts()
