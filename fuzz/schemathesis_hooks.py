"""Loaded by schemathesis through SCHEMATHESIS_HOOKS (see fuzz/schemathesis.test.ts)."""

import schemathesis

# tus chunks are raw bytes under their own media type.
schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
