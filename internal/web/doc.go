// Package web serves a node over HTTP: server-rendered pages in four languages, the JSON API under
// /api/v1 with its OpenAPI document, the live event stream, and the operations endpoints. One
// route table (routes.go) drives the mux, the permission checks, the OpenAPI document and the
// route-by-role test, so they cannot disagree.
package web
