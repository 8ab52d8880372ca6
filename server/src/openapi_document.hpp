// server/openapi.yaml as built into the binary (generated from it by
// server/embed_text.cmake), served at GET /v1/openapi.yaml.
#pragma once

extern const char* const kOpenApiDocument;
