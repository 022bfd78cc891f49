"""A cap on upload size that holds before the file is read: a 2 GB upload gets a sentence, not a full disk.

Django limits the size of form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but not of
uploaded files. The view installs `CappedUpload` first among the upload
handlers, before anything reads the request body; a request that announces a
larger body is refused without reading it (`too_big`).
"""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

SLACK = 1024 * 1024  # the form's other fields and the multipart boundaries


def too_big(request, limit: int) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > limit + SLACK


class CappedUpload(FileUploadHandler):
    """Stops the upload as soon as the files received pass the limit; the view then says so."""

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_too_big = True
            raise StopUpload(connection_reset=False)
        return raw_data  # the next handler (a temporary file) keeps it

    def file_complete(self, file_size):
        return None


def install(request, limit: int) -> None:
    request.upload_too_big = False
    request.upload_handlers.insert(0, CappedUpload(request, limit))
