"""factory_boy factories for every app, and a fixture that makes an official with a post."""

import factory
import pytest
from django.contrib.auth import get_user_model

from communes.models import ROLE_LEVEL, Commune, District, Province


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"official{n}")
    full_name = factory.Faker("name", locale="vi_VN")
    password = factory.django.Password("pw-for-tests-2022")


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = "40"
    name = "Tỉnh Nghệ An"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{700 + n}")
    name = factory.Sequence(lambda n: f"Huyện Thử Nghiệm {n}")
    kind = District.Kind.RURAL
    province = factory.SubFactory(ProvinceFactory)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{70000 + n}")
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    kind = Commune.Kind.COMMUNE
    district = factory.SubFactory(DistrictFactory)


@pytest.fixture
def official(db):
    """official(role, unit, username=None) -> a user holding an active post of `role` in `unit`."""
    from communes.services import post_create

    def make(role, unit, username=None, **user_fields):
        assert isinstance(
            unit, {"commune": Commune, "district": District, "province": Province}[ROLE_LEVEL[role]]
        )
        user = UserFactory(username=username, **user_fields) if username else UserFactory(**user_fields)
        post_create(user=user, role=role, unit=unit)
        return user

    return make
