class Settings:
    DATABASE_URL = "postgresql://db/main"
    REPORTING_DATABASE_URL = "postgresql://reports/warehouse"


settings = Settings()
