"""One module per publisher format: each parses and validates its files.

Every adapter raises :class:`sdp_dash.errors.SourceError` (file + one-line problem) on bad input.
"""
