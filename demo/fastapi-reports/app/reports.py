async def render_report(name: str, bucket: str) -> dict:
    return {"name": name, "bucket": bucket}
