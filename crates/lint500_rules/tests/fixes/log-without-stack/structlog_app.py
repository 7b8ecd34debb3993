import structlog
from fastapi import FastAPI

from .store import jobs

log = structlog.get_logger()
app = FastAPI()


@app.post("/jobs")
async def run_job():
    try:
        await jobs.run()
    except Exception as e:
        log.error("job failed", error=str(e))
        return {"ok": False}
