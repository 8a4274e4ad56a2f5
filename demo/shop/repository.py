"""Data access (synchronous, as many code bases have it)."""


class Database:
    def query(self, sql: str, *params: object) -> list[dict]:
        return [{"sql": sql, "params": params}]


def get_db() -> Database:
    return Database()


def find_products(db: Database, query: str) -> list[dict]:
    return db.query("SELECT * FROM products WHERE name LIKE ?", f"%{query}%")
