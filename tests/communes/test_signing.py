"""Thẩm quyền ký: the post says how its holder signs, the kind of document whether the competence is the
collective's; every block is built from both (Decree 30/2020/NĐ-CP, Appendix I II.7)."""

import pytest

from communes.signing import SigningCapacity, capacity_from_title, signature_lines, signed_as


@pytest.mark.parametrize(
    ("capacity", "title", "head", "signs_for", "lines"),
    [
        ("head", "Chủ tịch UBND tỉnh", "CHỦ TỊCH", "", ["CHỦ TỊCH"]),
        ("deputy", "Phó Chủ tịch UBND tỉnh", "CHỦ TỊCH", "", ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
        ("acting", "Quyền Giám đốc", "GIÁM ĐỐC", "", ["Q. GIÁM ĐỐC"]),
        ("by_order", "Chánh Văn phòng", "CHỦ TỊCH", "", ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]),
        (
            "by_authority",
            "TUQ. Giám đốc Sở Tư pháp",
            "CHỦ TỊCH",
            "",
            ["TUQ. CHỦ TỊCH", "GIÁM ĐỐC SỞ TƯ PHÁP"],
        ),
        ("deputy", "Phó Trưởng Công an", "TRƯỞNG CÔNG AN", "", ["KT. TRƯỞNG CÔNG AN", "PHÓ TRƯỞNG CÔNG AN"]),
        # A collective competence: "TM." and the body above the person's lines, whatever their capacity.
        ("head", "Chủ tịch", "CHỦ TỊCH", "ỦY BAN NHÂN DÂN", ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
        (
            "deputy",
            "Phó Chủ tịch",
            "CHỦ TỊCH",
            "ỦY BAN NHÂN DÂN",
            ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
        ),
    ],
)
def test_each_capacity_prints_its_block(capacity, title, head, signs_for, lines):
    assert signature_lines(capacity=capacity, title=title, head=head, signs_for=signs_for) == lines


@pytest.mark.parametrize(
    ("title", "capacity"),
    [
        ("Chủ tịch UBND huyện", "head"),
        ("Phó Chủ tịch UBND tỉnh", "deputy"),
        ("phó giám đốc", "deputy"),
        ("Q. Chủ tịch", "acting"),
        ("Quyền Giám đốc Công an tỉnh", "acting"),
        ("TL. Chủ tịch", "by_order"),
        ("TUQ. Chủ tịch", "by_authority"),
        ("", "head"),
        # A title that merely contains "phó" (a ward's name) is not a deputy's.
        ("Chủ tịch UBND phường Phong Phú", "head"),
    ],
)
def test_a_title_implies_its_capacity(title, capacity):
    assert capacity_from_title(title) == capacity


def test_the_history_names_the_capacity_after_the_name():
    assert signed_as(capacity="acting", title="", head="CHỦ TỊCH") == "Q. Chủ tịch"
    assert signed_as(capacity="", title="Phó Chủ tịch", head="CHỦ TỊCH") == "KT. Chủ tịch"
    assert signed_as(capacity="head", title="Chủ tịch", head="GIÁM ĐỐC") == "Giám đốc"


@pytest.mark.django_db
def test_a_post_takes_its_capacity_from_its_title_unless_given(people):
    from communes.services import post_create

    deputy = post_create(
        user=people.officer, role="provincial_viewer", unit=people.province, title="Phó Giám đốc"
    )
    assert deputy.capacity == SigningCapacity.DEPUTY
    chosen = post_create(
        user=people.officer,
        role="provincial_viewer",
        unit=people.province,
        title="Phó Giám đốc",
        capacity="by_order",
    )
    assert chosen.capacity == SigningCapacity.BY_ORDER


@pytest.mark.django_db
def test_the_data_step_sets_existing_posts_from_their_titles(people):
    """The migration's step (communes 0002) on posts recorded before the capacity existed."""
    import importlib

    from django.apps import apps

    from communes.models import Post

    step = importlib.import_module("communes.migrations.0002_post_capacity").capacity_from_titles
    post = people.chair.posts.first()
    Post.objects.filter(pk=post.pk).update(title="Phó Chủ tịch UBND huyện", capacity="head")
    acting = people.provincial_chair.posts.first()
    Post.objects.filter(pk=acting.pk).update(title="Quyền Chủ tịch UBND tỉnh", capacity="head")
    step(apps, None)
    assert Post.objects.get(pk=post.pk).capacity == "deputy"
    assert Post.objects.get(pk=acting.pk).capacity == "acting"
