class Account:
    is_admin = False


class Flags:
    pass
