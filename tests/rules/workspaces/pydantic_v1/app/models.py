class Article:
    pass
