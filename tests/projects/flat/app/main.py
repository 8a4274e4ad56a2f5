from fastapi import FastAPI

import app.services.slow
from app.api.routes import router

application = FastAPI()
application.include_router(router)


@application.get("/items")
async def items():
    return app.services.slow.fetch()
