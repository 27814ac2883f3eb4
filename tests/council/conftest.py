"""The council's tests share the recognition tests' people, council and recommended communes
(tests/recognition/conftest.py)."""

from tests.recognition.conftest import council, recognised, recommended  # noqa: F401
