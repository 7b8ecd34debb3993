from fastapi import APIRouter

router = APIRouter()


async def fetch_user(user_id: int) -> dict:
    return {"id": user_id, "name": "Ada"}


async def fetch_orders(user_id: int) -> list:
    return []


@router.get("/users/{user_id}")
async def read_user(user_id: int):
    user = await fetch_user(user_id)
    return {"name": user["name"]}


@router.get("/users/{user_id}/name")
async def read_name(user_id: int):
    return (await fetch_user(user_id)).get("name")


async def totals(user_id: int) -> int:
    total = 0
    for order in await fetch_orders(user_id):
        total += order["total"]
    return total


@router.post("/users/{user_id}/ping")
async def ping(user_id: int):
    fetch_user(user_id)
    return {"ok": True}


async def names(ids: list) -> list:
    return list(fetch_user(i)["name"] for i in ids)
