def fetch_rates():
    return {"EUR": 1.0}
