"""A post grants only while it is held: its dates are read at each check, before any nightly sync."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Dossier, Notification
from communes.models import Post, Role
from communes.permissions import has_unit_perm, role_group_name
from communes.services import post_create, sync_all_posts
from communes.tasks import sync_posts
from tests import workflow
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)


@pytest.fixture
def moved(people):
    """Kỳ Sơn's police officer moved to a commune post in Thanh Chương; the police post ended yesterday
    and nothing has synced the groups since (the user is still in Kỳ Sơn's police group)."""
    user = UserFactory(username="moved", email="moved@example.vn")
    police_post = post_create(
        user=user, role=Role.DISTRICT_POLICE, unit=people.ky_son, started_on=datetime.date(2020, 1, 1)
    )
    post_create(user=user, role=Role.COMMUNE_OFFICER, unit=people.hanh_lam)
    # The date passed (yesterday on the test's clock); no service ran.
    Post.objects.filter(pk=police_post.pk).update(ended_on=timezone.localdate() - datetime.timedelta(days=1))
    assert user.groups.filter(name=role_group_name("district_police", people.ky_son)).exists()
    return type(user).objects.get(pk=user.pk)


@pytest.mark.district_clock
def test_an_ended_post_opens_nothing_of_the_old_unit(client, people, moved, dossier):
    submitted = workflow.submit(dossier, people.officer)
    evidence = submitted.evidence.first()
    client.force_login(moved)
    for url in (
        reverse("assessments:dossier_detail", args=[submitted.pk]),
        reverse("assessments:appraisal", args=[submitted.pk]),
        reverse("assessments:evidence_download", args=[submitted.pk, evidence.pk]),
        reverse("communes:commune_detail", args=[people.my_ly.code]),
    ):
        assert client.get(url).status_code == 404, url
    # Acting: the start of the appraisal is refused and nothing is written under their name.
    response = client.post(
        reverse("assessments:dossier_action", args=[submitted.pk, "start_appraisal"]),
        {"version": submitted.version},
    )
    assert response.status_code == 404
    assert Dossier.objects.get(pk=submitted.pk).state == Dossier.State.SUBMITTED
    assert not submitted.events.filter(actor=moved).exists()
    # Lists and exports: none of Kỳ Sơn's communes.
    export = client.get(reverse("dashboard:export", args=["communes", "csv"]) + "?year=2024").content.decode()
    assert people.my_ly.name not in export
    assert people.hanh_lam.name in export  # the active commune post still works
    inbox = client.get(reverse("home")).content.decode()
    assert people.my_ly.name not in inbox


@pytest.mark.district_clock
def test_an_ended_post_is_not_notified(people, moved, dossier):
    submitted = workflow.submit(dossier, people.officer)
    notified = set(
        Notification.objects.filter(dossier=submitted).values_list("recipient__username", flat=True)
    )
    assert "police" in notified  # the active police officer is
    assert "moved" not in notified


def test_a_post_starting_tomorrow_grants_nothing_today(people):
    user = UserFactory()
    post_create(user=user, role=Role.DISTRICT_CHAIR, unit=people.ky_son, started_on=TOMORROW)
    assert not has_unit_perm(user, "decide_district_dossiers", people.ky_son)
    # Even if the group membership is there (an admin added it by hand): the dates decide.
    user.groups.add(Post.objects.get(user=user).group)
    fresh = type(user).objects.get(pk=user.pk)
    assert not has_unit_perm(fresh, "decide_district_dossiers", people.ky_son)


def test_the_nightly_sync_brings_the_groups_in_line(people, moved):
    assert sync_posts.delay().get() >= 1  # the beat task, through Celery (eager in tests)
    assert not moved.groups.filter(name=role_group_name("district_police", people.ky_son)).exists()
    assert moved.groups.filter(name=role_group_name("commune_officer", people.hanh_lam)).exists()
    assert sync_all_posts() == 0  # nothing left to change
