"""zichtbaar.web: the server-rendered web app and its JSON API."""
