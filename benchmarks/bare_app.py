"""The yardstick: a bare Flask app answering "Hello, World!"."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """The smallest useful Flask response."""
    return "Hello, World!"
