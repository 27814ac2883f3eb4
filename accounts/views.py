from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def reference(request):
    """The framework's floor for a page: signed in, the base layout, no data (benchmarks compare to it)."""
    return render(request, "accounts/reference.html")
