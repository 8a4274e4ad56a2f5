from .hashing import Hasher, UserMissing, drop_upload_folder


class Accounts:
    def __init__(self, store) -> None:
        self.store = store
        self.hasher = Hasher()

    async def sign_in(self, email: str, password: str):
        try:
            user = await self.store.find(email)
        except UserMissing:
            self.hasher.digest(password)  # error: FAP105 (the same time for unknown users)
            return None
        if not self.hasher.matches(password, user.hashed):  # error: FAP105
            return None
        return user

    async def sign_up_with_provider(self, email: str, generated: str):
        try:
            return await self.store.find(email)
        except (UserMissing, LookupError):
            hashed = self.hasher.digest(generated)  # error: FAP105
            return await self.store.create(email, hashed)

    async def import_archive(self, folder: str):
        try:
            return await self.store.load(folder)
        except Exception:
            drop_upload_folder(folder)  # a failure's clean-up
            return None

    async def rotate(self, email: str, password: str):
        try:
            return await self.store.rotate(email)
        except UserMissing:
            self.hasher.digest(password)  # ends by raising: the error path
            raise

    async def probe(self, folder: str):
        try:
            return await self.store.load(folder)
        except:  # noqa: E722
            drop_upload_folder(folder)
            return None

    async def fallback(self, name: str, password: str):
        try:
            return await self.store.load(name)
        except OSError:
            return self.hasher.digest(password)  # a failure's fallback: not followed
