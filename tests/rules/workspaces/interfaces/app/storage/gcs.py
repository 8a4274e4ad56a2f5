from google.cloud import storage

from app.storage import Storage


class GcsStorage(Storage):
    def __init__(self) -> None:
        self.bucket = storage.Client().bucket("b")

    def put(self, key: str, data: bytes) -> None:
        self.bucket.blob(key).upload_from_string(data)

    def exists(self, key: str) -> bool:
        return self.bucket.blob(key).exists()  # this one does I/O, S3Storage's does not
