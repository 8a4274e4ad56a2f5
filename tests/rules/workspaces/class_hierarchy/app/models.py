class User:
    id: int


class Order:
    id: int
