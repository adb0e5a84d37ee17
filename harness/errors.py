"""The one exception type that reaches the user as a sentence instead of a traceback."""


class UserError(Exception):
    """A mistake the user can fix (bad flag, missing file, Docker down); the CLI prints
    the message as one sentence and exits non-zero."""
