"""The admin speaks Vietnamese, third-party apps included, and names officials family name first."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

ENGLISH = re.compile(
    r"\b(Access|attempts?|Axes|Add link|Change or view|User Agent|IP Address|Attempt Time|Failed Logins|Path)\b"
)


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", "\n", html)


def test_every_admin_list_is_in_vietnamese(client, people):
    client.force_login(people.admin)
    urls = [reverse("admin:index")] + [
        reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist") for m in admin.site._registry
    ]
    english = {}
    for url in urls:
        for line in visible_text(client.get(url).content.decode()).splitlines():
            if ENGLISH.search(line):
                english.setdefault(url, []).append(line.strip())
    assert english == {}
    index = visible_text(client.get(reverse("admin:index")).content.decode())
    assert "Bảo vệ đăng nhập" in index and "Các lần đăng nhập" in index


def test_an_official_is_named_family_name_first(client, people):
    client.force_login(people.admin)
    page = client.get(reverse("admin:accounts_user_change", args=[people.police.pk])).content.decode()
    assert 'name="full_name"' in page and 'name="first_name"' not in page and 'name="last_name"' not in page
