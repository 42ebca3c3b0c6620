"""The proof kernel: the bytes that are hashed or signed, and the offline check of a bundle.

A hash or a signature proves something only if someone other than the server can
recompute it. Canonical JSON, the signed statements, the bundle file, the audit chain's
links and ``dissent verify`` therefore live here, apart from the server, so that a
verifier on a laptop with no database and no Django reads exactly the code that signed.

The one rule: nothing here imports Django or any other ``dissent`` package, only the
standard library and PyNaCl. Everything may import this; this imports nothing of ours.
"""
