from fastapi import APIRouter

from .auth import LocalChecker
from .deps import get_auth_service, get_token_store

router = APIRouter()
checker = LocalChecker()


@router.post("/password")
async def change_password(current: str, new: str, stored: str):  # error: FAP201
    auth = get_auth_service()
    if not auth.verify_password(current, stored):  # error: FAP105
        return {"ok": False}
    return {"hash": get_auth_service().hash_password(new)}  # error: FAP105


@router.post("/token")
async def check_token(given: str, expected: str):
    auth = get_auth_service()
    rotated = get_token_store().rotate(given)  # one override hashes, the other does not
    return {"ok": auth.same_token(given, expected), "rotated": rotated, "local": checker.check(given, expected)}
