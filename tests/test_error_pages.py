"""The application's own error pages: a form that cannot be read or was sent with a stale security
token is answered in Vietnamese, says nothing was saved, and leads back to the form."""

from django.test import Client

from accounts.models import User


def test_signing_in_from_a_second_tab_gets_the_vietnamese_expired_page(db):
    User.objects.create_user(username="can_bo", password="mat-khau-dai-123")
    first_tab = Client(enforce_csrf_checks=True)
    first_tab.get("/accounts/login/")
    stale_token = first_tab.cookies["csrftoken"].value
    # Another tab signs in first: the session's token rotates, the first tab's form is stale.
    first_tab.post(
        "/accounts/login/",
        {"username": "can_bo", "password": "mat-khau-dai-123", "csrfmiddlewaretoken": stale_token},
    )
    first_tab.cookies["csrftoken"] = "x" * 32  # the first tab's cookie no longer matches its form
    response = first_tab.post(
        "/accounts/login/",
        {"username": "can_bo", "password": "mat-khau-dai-123", "csrfmiddlewaretoken": stale_token},
    )
    page = response.content.decode()
    assert response.status_code == 403
    assert "Trang đã hết hạn" in page
    assert "Không có gì được lưu" in page
    assert 'data-kept-refused="/accounts/login/"' in page
    assert "CSRF" not in page and "Forbidden" not in page


def test_a_request_that_cannot_be_read_is_answered_in_vietnamese(client, people):
    client.force_login(people.viewer)
    response = client.get("/", HTTP_HOST="not-this-site.example")  # Django's DisallowedHost
    page = response.content.decode()
    assert response.status_code == 400
    assert "Không đọc được nội dung đã gửi, nên chưa có gì được lưu." in page
    assert "Bad Request" not in page
