import json


class Settings:
    async def reload(self):
        """Run by ``cli.py`` through ``asyncio.run`` only: a private loop."""
        with open("/etc/app.json") as f:
            return json.load(f)


def load_settings() -> Settings:
    return Settings()
