from local_actions.tests.conftest import default_content  # noqa: F401 - shared fixtures
from signatures.tests.conftest import letter, petition  # noqa: F401
