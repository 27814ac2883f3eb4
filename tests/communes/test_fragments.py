"""The page cache: fails open, cannot be flooded, computes a miss once, and is scoped so that a write
in one district leaves the other districts' pages cached."""

import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Dossier
from communes import fragments
from communes.models import DataVersion
from tests import workflow

pytestmark = pytest.mark.django_db

PAGES = ("/", "/dashboard/", "/units/")


@pytest.mark.district_clock
def test_without_the_cache_every_page_is_computed_and_every_write_succeeds(
    client, people, dossier, unreachable_cache
):
    client.force_login(people.officer)
    data = {"version": dossier.version, "submit": "1"}
    for criterion in dossier.applicable_criteria():
        data[f"value_{criterion.pk}"] = "1" if criterion.measure == "boolean" else "0"
        data[f"explanation_{criterion.pk}"] = "Đã rà soát"
    workflow.fill(dossier, people.officer)  # evidence
    dossier.refresh_from_db()
    data["version"] = dossier.version
    response = client.post(reverse("assessments:self_assessment", args=[dossier.pk]), data)
    assert response.status_code == 302  # "save and submit" saves, then asks for the confirmation
    assert client.get(response["Location"]).status_code == 200
    version = Dossier.objects.get(pk=dossier.pk).version
    response = client.post(response["Location"], {"version": version, "confirmed": "1"})
    assert response.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).state == Dossier.State.SUBMITTED

    client.force_login(people.police)
    for path in (*PAGES, reverse("assessments:dossier_detail", args=[dossier.pk])):
        response = client.get(path)
        assert response.status_code == 200, path
    assert "Đã nộp" in client.get(reverse("assessments:dossier_detail", args=[dossier.pk])).content.decode()

    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "degraded", "database": "ok", "cache": "degraded"}


def test_an_outage_is_probed_once_then_skipped_for_a_while(unreachable_cache, settings):
    settings.CACHE_RETRY_SECONDS = 60
    started = time.monotonic()
    calls = [fragments.cached_value(parts=("x", n), compute=lambda: 1) for n in range(20)]
    assert calls == [1] * 20
    assert time.monotonic() - started < 1.0  # one socket timeout, not twenty


def fragment_keys() -> set[str]:
    return {key for key in cache._cache if "fragment:" in key}


def test_junk_query_strings_add_no_cache_entries(client, people, dossier):
    client.force_login(people.viewer)
    for path in PAGES[:2]:
        client.get(path)
    before = fragment_keys()
    assert before
    for n in range(50):
        for path in PAGES[:2]:
            junk = f"?x{n}=1&year=abc{n}&district=9{n:02d}x&state=no{n}&page=z{n}&border=b{n}&sort=q{n}"
            assert client.get(path + junk).status_code == 200
        client.get(f"/?q=tìm {n}")  # a search is computed, never cached
        client.get(f"/dashboard/?page={1000 + n}")  # far pages too
    assert fragment_keys() == before


def test_a_miss_is_computed_once_by_concurrent_requests():
    computed = []

    def compute():
        computed.append(1)
        time.sleep(0.3)
        return "page"

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(fragments.cached_value(parts=("p",), compute=compute)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["page"] * 8
    assert len(computed) == 1


@pytest.mark.district_clock
def test_a_write_in_one_district_leaves_other_districts_pages_cached(client, people, dossier):
    client.force_login(people.other_police)  # Thanh Chương
    client.get("/")
    with CaptureQueriesContext(connection) as cached:
        client.get("/")
    workflow.submit(dossier, people.officer)  # Kỳ Sơn
    with CaptureQueriesContext(connection) as after:
        client.get("/")
    assert len(after) == len(cached)  # still served from the cache

    client.force_login(people.police)  # Kỳ Sơn's own page follows the write at once
    assert dossier.commune.name in client.get("/").content.decode().split('id="all-title"')[0]


@pytest.mark.district_clock
def test_a_dossier_change_bumps_its_commune_district_province_and_the_whole(people, dossier):
    before = dict(DataVersion.objects.values_list("key", "version"))
    workflow.submit(dossier, people.officer)
    after = dict(DataVersion.objects.values_list("key", "version"))
    changed = {key for key in after if after[key] != before.get(key)}
    my_ly, ky_son = people.my_ly, people.ky_son
    assert {
        "dossiers",
        f"dossiers@commune:{my_ly.pk}",
        f"dossiers@district:{ky_son.pk}",
        f"dossiers@province:{ky_son.province_id}",
    } <= changed
    assert f"dossiers@district:{people.thanh_chuong.pk}" not in changed


def test_a_computation_that_fails_leaves_no_lock_behind():
    def broken():
        raise RuntimeError("template error")

    with pytest.raises(RuntimeError):
        fragments.cached_value(parts=("failing",), compute=broken)
    started = time.monotonic()
    assert fragments.cached_value(parts=("failing",), compute=lambda: "ok") == "ok"
    assert time.monotonic() - started < 0.5  # computed at once, not after waiting for a lock


def test_the_redis_cache_keeps_one_client_per_pool():
    """Django's backend made a redis.Redis (and its callbacks table) for every lookup; ours keeps it."""
    from communes.cache import RedisCache

    backend = RedisCache("redis://127.0.0.1:9/0", {})  # no server needed to make clients
    client = backend._cache.get_client("key")
    assert backend._cache.get_client("other", write=True) is client
    assert client.connection_pool is backend._cache._get_connection_pool(False)
