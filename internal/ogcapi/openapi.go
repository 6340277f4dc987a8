package ogcapi

import "encoding/json"

// OpenAPI returns the API definition (OpenAPI 3.0) of the endpoints under
// base, for the landing page's service-desc link.
func OpenAPI(base, title string) []byte {
	param := func(name, in, desc string, schema map[string]any, required bool) map[string]any {
		return map[string]any{"name": name, "in": in, "description": desc, "required": required, "schema": schema}
	}
	str := map[string]any{"type": "string"}
	ok := func(desc, media string) map[string]any {
		return map[string]any{"200": map[string]any{"description": desc, "content": map[string]any{media: map[string]any{}}},
			"400": map[string]any{"description": "invalid request"}, "404": map[string]any{"description": "not found"}}
	}
	collectionID := param("collectionId", "path", "procedure slug", str, true)
	doc := map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": title, "version": "1.0.0", "license": map[string]any{"name": "see the procedure's terms"}},
		"servers": []any{map[string]any{"url": base}},
		"paths": map[string]any{
			"/":            map[string]any{"get": map[string]any{"summary": "landing page", "responses": ok("landing page", "application/json")}},
			"/conformance": map[string]any{"get": map[string]any{"summary": "conformance classes", "responses": ok("conformance", "application/json")}},
			"/collections": map[string]any{"get": map[string]any{"summary": "collections, one per procedure", "responses": ok("collections", "application/json")}},
			"/collections/{collectionId}": map[string]any{"get": map[string]any{"summary": "one collection",
				"parameters": []any{collectionID}, "responses": ok("collection", "application/json")}},
			"/collections/{collectionId}/items": map[string]any{"get": map[string]any{"summary": "published contributions, newest first",
				"parameters": []any{collectionID,
					param("limit", "query", "features per page (1–1000, default 10)", map[string]any{"type": "integer", "minimum": 1, "maximum": 10000, "default": DefaultLimit}, false),
					param("bbox", "query", "minLon,minLat,maxLon,maxLat (CRS84)", map[string]any{"type": "array", "minItems": 4, "maxItems": 6, "items": map[string]any{"type": "number"}}, false),
					param("datetime", "query", "creation time: an RFC 3339 instant or interval (open ends as ..)", str, false),
					param("cursor", "query", "opaque cursor from a next link", str, false)},
				"responses": ok("a page of features", "application/geo+json")}},
			"/collections/{collectionId}/items/{featureId}": map[string]any{"get": map[string]any{"summary": "one published contribution",
				"parameters": []any{collectionID, param("featureId", "path", "contribution id (UUID)", str, true)},
				"responses":  ok("feature", "application/geo+json")}},
		},
	}
	b, _ := json.Marshal(doc)
	return b
}
