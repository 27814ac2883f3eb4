"""The signed-in user's posts (shown in the header of every page, asked by the post check) are read once
and kept per process under the user's grants version and the day: the next page reads no post, and a post
that starts, ends, changes its title or its unit's name shows on the very next page."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communes.models import Post, Role
from communes.officials import OfficialRow, officials_import
from communes.permissions import version_read
from communes.selectors import active_posts_of
from communes.services import post_create, post_end

HANOI = datetime.timezone(datetime.timedelta(hours=7))

pytestmark = pytest.mark.django_db


def page(client) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/reference/")
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in ctx.captured_queries]


def post_queries(queries: list[str]) -> list[str]:
    return [q for q in queries if 'FROM "communes_post"' in q and "INNER JOIN" not in q.split("FROM", 1)[0]]


def header_of(html: str) -> str:
    """The header's list of the user's posts."""
    return html.split('class="user-posts"', 1)[1].split("</ul>", 1)[0]


def test_the_next_page_reads_no_post_and_a_new_post_shows_at_once(client, province_people):
    p = province_people
    client.force_login(p.commune_police)
    first, queries = page(client)
    assert post_queries(queries)
    again, queries = page(client)
    assert not post_queries(queries) and header_of(again) == header_of(first)

    post_create(
        user=p.commune_police, role=Role.COMMUNE_POLICE, unit=p.tam_quang, title="Phó Trưởng Công an xã"
    )
    html, queries = page(client)
    assert post_queries(queries)  # read again under the new version
    assert "Tam Quang" in header_of(html)


def posts_seen(user) -> list[tuple[str, str, str]]:
    """What a request of `user` reads as their posts (the user's row read as the sign-in middleware does)."""
    request = RequestFactory().get("/")
    request.user = get_user_model().objects.get(pk=user.pk)
    version_read(request.user)
    return [(post.role, str(post.unit), post.title) for post in active_posts_of(request)]


def test_a_post_that_ends_or_is_renamed_or_whose_unit_is_renamed_is_read_on_the_next_request(province_people):
    p = province_people
    before = posts_seen(p.commune_police)
    assert before == posts_seen(p.commune_police)  # kept
    unit = p.new_my_ly
    unit.name = "Xã Mỹ Lý Mới"
    unit.save()
    assert [name for _, name, _ in posts_seen(p.commune_police)] == ["Xã Mỹ Lý Mới"]

    post = Post.objects.active().get(user=p.commune_police)
    post.title = "Trưởng Công an xã Mỹ Lý"
    post.save()
    assert [title for *_, title in posts_seen(p.commune_police)] == ["Trưởng Công an xã Mỹ Lý"]

    post_end(post=Post.objects.get(pk=post.pk), ended_on=datetime.date.today())
    assert posts_seen(p.commune_police) == []


def test_the_officials_file_that_changes_a_title_is_read_on_the_next_request(province_people):
    """The import changed a title with an UPDATE that moved no version: the old title was kept."""
    p = province_people
    posts_seen(p.commune_police)
    post = Post.objects.active().get(user=p.commune_police)
    row = OfficialRow(
        line=2,
        username=p.commune_police.username,
        full_name=p.commune_police.full_name,
        email=p.commune_police.email,
        role=post.role,
        unit_code=p.new_my_ly.code,
        title="Chỉ huy Công an xã",
        unit=p.new_my_ly,
    )
    officials_import(rows=[row])
    assert [title for *_, title in posts_seen(p.commune_police)] == ["Chỉ huy Công an xã"]


def test_a_post_of_tomorrow_is_read_tomorrow(province_people):
    p = province_people
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    post_create(user=p.commune_police, role=Role.COMMUNE_POLICE, unit=p.tam_quang, started_on=tomorrow)
    assert len(posts_seen(p.commune_police)) == 1
    with time_machine.travel(datetime.datetime.combine(tomorrow, datetime.time(9), tzinfo=HANOI), tick=False):
        assert len(posts_seen(p.commune_police)) == 2
