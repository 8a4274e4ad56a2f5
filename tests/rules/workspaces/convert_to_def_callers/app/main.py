from fastapi import Depends, FastAPI

from .deps import get_flags, get_limits
from .permissions import require_admin

app = FastAPI()


@app.get("/flags")
def flags(flags=Depends(get_flags), limits=Depends(get_limits), admin=Depends(require_admin)):
    return {"flags": flags, "limits": limits}
