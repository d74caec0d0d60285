"""The yardstick: a bare Flask app answering "Hello, World!"."""

from flask import Flask, redirect

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """The smallest useful Flask response."""
    return "Hello, World!"


@app.post("/")
def round_trip():
    """A form post answered with a redirect to /: the shape of a scan at the till."""
    return redirect("/")
