import shutil

import bcrypt


class UserMissing(Exception):
    pass


class Hasher:
    def digest(self, password: str) -> bytes:
        return bcrypt.hashpw(password.encode(), bcrypt.gensalt())

    def matches(self, password: str, stored: bytes) -> bool:
        return bcrypt.checkpw(password.encode(), stored)


def drop_upload_folder(folder: str) -> None:
    shutil.rmtree(folder, ignore_errors=True)
