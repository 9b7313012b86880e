class ServiceError(Exception):
    """A business rule refused the change. The message is shown to the user as is."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(ServiceError):
    """Someone else changed the record since it was read (optimistic locking)."""

    def __init__(self, message: str = ""):
        super().__init__(
            message
            or "Someone else changed this record while you were editing it. Your changes have not been "
            "saved. Check their changes below, then make yours again: what you typed is kept."
        )
