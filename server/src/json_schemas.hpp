// The JSON Schemas of what the core reads (wasm/*.schema.json, generated from
// the package's declarations), as built into the binary by
// server/embed_text.cmake and served at GET /v1/schemas/{name}.schema.json.
#pragma once

extern const char* const kProgramSchema;
extern const char* const kEventSchema;
extern const char* const kStateSchema;
