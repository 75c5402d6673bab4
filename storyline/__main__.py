from storyline.cli import app

app()
