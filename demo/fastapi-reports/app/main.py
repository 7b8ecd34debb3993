import logging
import os

from fastapi import FastAPI, HTTPException

from .reports import render_report

logger = logging.getLogger(__name__)
app = FastAPI()


@app.get("/reports/{name}")
async def get_report(name: str):
    try:
        return await render_report(name, os.environ["REPORTS_BUCKET"])
    except KeyError:
        raise HTTPException(status_code=404, detail="no such report")
    except Exception as exc:
        logger.error("report %s failed: %s", name, str(exc))
        raise HTTPException(status_code=500, detail="report failed")


@app.post("/reports/{name}/refresh")
async def refresh_report(name: str):
    try:
        await render_report(name, "cache")
    except Exception:
        pass
    return {"status": "queued"}


@app.get("/reports/{name}/size")
async def report_size(name: str):
    report = render_report(name, "cache")
    return {"size": len(report["name"])}
