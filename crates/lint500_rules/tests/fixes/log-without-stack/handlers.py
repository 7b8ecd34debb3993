import logging

from fastapi import APIRouter, FastAPI, HTTPException

from .store import gateway, orders, reports, users

logger = logging.getLogger(__name__)
app = FastAPI()
router = APIRouter()


@router.get("/users/{user_id}")
async def get_user(user_id: int):
    try:
        return await users.get(user_id)
    except Exception as e:
        logger.error(f"failed to load user {user_id}: {e}")
        raise HTTPException(status_code=500) from e


@router.post("/orders")
async def create_order(order: dict):
    try:
        return await orders.create(order)
    except Exception as err:
        logger.error(str(err))
        raise HTTPException(status_code=503)


@router.get("/reports")
async def report():
    try:
        return await reports.build()
    except Exception as exc:
        logging.getLogger(__name__).error("report failed: %s", exc)
        raise HTTPException(status_code=500)


@router.delete("/orders/{order_id}")
async def delete_order(order_id: int):
    try:
        await orders.delete(order_id)
    except Exception as e:
        logger.critical(e)
        raise HTTPException(status_code=500)


class BillingService:
    def __init__(self):
        self.logger = logging.getLogger("billing")

    def charge(self, invoice):
        try:
            gateway.charge(invoice)
        except Exception as e:
            self.logger.warning(
                "charge rejected: %s",
                e,
            )
            return False


def sync_later():
    try:
        pull()
    except Exception as e:
        # Runs after the handler is done: no exception is being handled then.
        def report():
            logger.error("sync failed: %s", e)

        schedule(report)
