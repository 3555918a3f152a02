"""The reporter app: the organisation's own export in, what leaves the building shown, encoded
and submitted -- a local web app on 127.0.0.1 for people who do not use a command line."""
