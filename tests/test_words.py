"""Right figures and right words (issue 14, item 9): round targets without exponents, Django's own
messages in correct Vietnamese."""

from decimal import Decimal

from django import forms
from django.utils import translation

from communes.text import plain_decimal


def test_round_numbers_are_written_without_an_exponent():
    assert str(plain_decimal(Decimal("100.00"))) == "100"
    assert str(plain_decimal(Decimal("1E+2"))) == "100"
    assert str(plain_decimal(Decimal("12.50"))) == "12.5"
    assert str(plain_decimal(Decimal("0.00"))) == "0"


def test_a_target_of_100_percent_reads_100(db):
    from assessments.models import Criterion

    criterion = Criterion(measure="percentage", comparator="gte", target=Decimal("100.00"))
    with translation.override("vi"):
        assert criterion.target_display.endswith("100 %")
    assert "E" not in criterion.target_display


def test_a_whole_number_is_asked_for_in_correct_vietnamese():
    class Form(forms.Form):
        n = forms.IntegerField()

    with translation.override("vi"):
        form = Form({"n": "1,5"})
        assert not form.is_valid()
        assert form.errors["n"] == ["Nhập một số nguyên."]


def test_english_dates_are_day_first_too():
    import datetime

    from django.utils.formats import date_format

    with translation.override("en"):
        assert date_format(datetime.date(2022, 10, 5), "SHORT_DATE_FORMAT") == "05/10/2022"
    with translation.override("vi"):
        assert date_format(datetime.date(2022, 10, 5), "SHORT_DATE_FORMAT") == "05/10/2022"


def test_the_product_name_is_neutral_between_the_two_procedures(client, db):
    """The 2022-2024 documents say "sạch về ma túy", Decision 28 says "không ma túy": the application's
    own name says neither; each year's term appears where that year's criteria apply."""
    page = client.get("/accounts/login/").content.decode()
    header = page.split("</header>")[0] + page.split('<footer class="site-footer">')[1]
    assert "Công nhận đơn vị cấp xã về phòng, chống ma túy" in header
    assert "không ma túy" not in header and "sạch về ma túy" not in header
