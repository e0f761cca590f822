"""Anonymisation of Latvian court decisions (Cabinet Regulation No. 123): knows nothing of Flask or the engine."""
