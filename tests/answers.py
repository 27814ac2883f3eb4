"""What an answer means, for the matrices and the sweep: a page served, an action taken (a redirect
that carries no refusal), the application's refusal (a redirect carrying its reason, or 403/404/409),
or the sign-in page."""

from django.contrib.messages import WARNING, get_messages

LOGIN = "/accounts/login/"


def refusal_messages(response) -> list[str]:
    """The warnings and errors the answer leaves for the next page ("not possible now", ...)."""
    return [str(m) for m in get_messages(response.wsgi_request) if m.level >= WARNING]


def signed_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


def taken(response) -> bool:
    """Served (200), or an action done and its user sent on: a redirect elsewhere than the sign-in page
    that leaves no warning or error behind."""
    if response.status_code == 200:
        return True
    return response.status_code == 302 and not signed_out(response) and not refusal_messages(response)


def refused_back_to(response, url: str) -> bool:
    """Sent back to `url` with the reason of the refusal, or refused outright (403, 404, 409)."""
    if response.status_code in (403, 404, 409):
        return True
    return (
        response.status_code == 302
        and response["Location"].split("?")[0] == url
        and bool(refusal_messages(response))
    )


def confirm_through_the_page(client, url: str, data: dict, **extra):
    """What the browser does: the form's post, the redirect to the confirmation page, and the post of
    that page's form (its hidden values and token) with `confirmed`. Returns (the confirmation page's
    answer, the confirming post's answer, (where and what it posted))."""
    import re
    from html import unescape

    posted = client.post(url, data)
    assert posted.status_code == 302 and "?pending=" in posted["Location"], posted.status_code
    page = client.get(posted["Location"])
    html = page.content.decode()
    action = unescape(re.search(r'<form method="post" action="([^"]+)" class="confirm-form"', html)[1])
    form = html.split('class="confirm-form"', 1)[1].split("</form>", 1)[0]
    values: dict = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form):
        values.setdefault(name, []).append(unescape(value))
    values.pop("csrfmiddlewaretoken", None)
    values.update({"confirmed": "1", **extra})
    return page, client.post(action, values), (action, values)
