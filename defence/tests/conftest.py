from signatures.tests.conftest import letter, petition  # noqa: F401 - shared fixtures
