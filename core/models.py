from django.db import models


class LoadedDefault(models.Model):
    """A default-content item that has been loaded once.

    Re-running the loader skips these keys, so organizers' edits and deletions
    stick instead of being overwritten or resurrected on every `make run`.
    """

    key = models.CharField(max_length=200, unique=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.key
