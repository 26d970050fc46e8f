package web

import (
	"net/http"
	"regexp"
	"strings"
)

// pathParam finds {name} segments of route patterns.
var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// openAPI describes every API route of the route table as an OpenAPI 3.1 document.
func (s *Server) openAPI(w http.ResponseWriter, _ *http.Request, _ *reqCtx) {
	writeJSON(w, http.StatusOK, s.openAPIDocument())
}

func (s *Server) openAPIDocument() map[string]any {
	paths := map[string]map[string]any{}
	for _, rt := range s.routes {
		if rt.kind != kindAPI {
			continue
		}
		op := map[string]any{
			"summary":     rt.summary,
			"operationId": operationID(rt),
			"tags":        []string{rt.tag},
			"responses":   responsesFor(rt),
		}
		if rt.access == public {
			op["security"] = []any{}
		} else {
			op["x-taawun-permission"] = string(rt.perm)
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.pattern, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		if strings.HasSuffix(rt.pattern, "/audit") {
			params = append(params, map[string]any{"name": "after", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 0}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.reqSchema != "" {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": ref(rt.reqSchema)}}}
		}
		if paths[rt.pattern] == nil {
			paths[rt.pattern] = map[string]any{}
		}
		paths[rt.pattern][strings.ToLower(rt.method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title": "Taawun node API", "version": s.Version,
			"description": "Integrated disaster management: accounts, audit and live events of one node. Errors are application/problem+json (RFC 9457).",
		},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"token":   map[string]any{"type": "http", "scheme": "bearer", "description": "API token (tw_…) from POST /api/v1/tokens or the account page"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie, "description": "browser session; unsafe methods also need the X-CSRF-Token header"},
			},
			"schemas": allSchemas(),
		},
		"security": []any{map[string]any{"token": []any{}}, map[string]any{"session": []any{}}},
	}
}

func operationID(rt route) string {
	name := strings.ToLower(rt.method)
	for _, part := range strings.Split(strings.TrimPrefix(rt.pattern, "/api/v1/"), "/") {
		part = strings.Trim(part, "{}")
		part = strings.ReplaceAll(strings.TrimSuffix(part, ".json"), "_", "")
		if part != "" {
			name += strings.ToUpper(part[:1]) + part[1:]
		}
	}
	return name
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func responsesFor(rt route) map[string]any {
	ok := "200"
	if rt.method == "POST" {
		ok = "201"
	}
	okResp := map[string]any{"description": "success"}
	switch {
	case rt.method == "DELETE":
		// Every removal answers 204 with no body.
		ok, okResp = "204", map[string]any{"description": "removed"}
	case rt.respSchema != "":
		okResp["content"] = map[string]any{"application/json": map[string]any{"schema": ref(rt.respSchema)}}
	case strings.HasSuffix(rt.pattern, "/events"):
		okResp["content"] = map[string]any{"text/event-stream": map[string]any{"schema": map[string]any{"type": "string"}}}
	default:
		okResp["content"] = map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}
	}
	problem := func(d string) map[string]any {
		return map[string]any{"description": d, "content": map[string]any{"application/problem+json": map[string]any{"schema": ref("Problem")}}}
	}
	out := map[string]any{ok: okResp}
	if rt.access != public {
		out["401"] = problem("not authenticated")
		out["403"] = problem("not permitted, or outside the caller's organisations")
	}
	if rt.reqSchema != "" {
		out["400"] = problem("malformed JSON")
		out["413"] = problem("body too large")
		out["415"] = problem("not application/json")
		out["422"] = problem("invalid values; detail names the field")
	}
	if strings.Contains(rt.pattern, "{") {
		out["404"] = problem("not found")
	}
	return out
}

var (
	str      = map[string]any{"type": "string"}
	strMap   = map[string]any{"type": "object", "additionalProperties": str}
	geometry = map[string]any{"type": "object", "description": "GeoJSON geometry (RFC 7946)"}
	tier     = map[string]any{"type": "string", "enum": []string{"national", "provincial", "district"}}
	roles    = map[string]any{"type": "string", "enum": []string{"admin", "duty_officer", "approver", "operations_officer", "partner_liaison", "viewer"}}
	langs    = map[string]any{"type": "string", "enum": []string{"", "en", "ur", "ru", "zh"}}
)

func object(required []string, props map[string]any) map[string]any {
	return map[string]any{"type": "object", "required": required, "properties": props}
}

func list(key, item string) map[string]any {
	return object([]string{key}, map[string]any{key: map[string]any{"type": "array", "items": ref(item)}})
}

// allSchemas merges the schemas of every area (coreSchemas and each area's own map, kept beside
// its handlers). A name defined twice is a programming error the OpenAPI test catches.
func allSchemas() map[string]any {
	out := map[string]any{}
	for _, set := range []map[string]any{coreSchemas, contactGroupSchemas, subscriptionSchemas, unsubscribeSchemas, geographySchemas, opsSchemas, hazardSchemas, copLayerSchemas, copChartSchemas} {
		for name, schema := range set {
			if _, dup := out[name]; dup {
				panic("web: OpenAPI schema " + name + " defined twice")
			}
			out[name] = schema
		}
	}
	return out
}

var coreSchemas = map[string]any{
	"Problem": object([]string{"type", "title", "status"}, map[string]any{
		"type": str, "title": str, "status": map[string]any{"type": "integer"}, "detail": str, "field": str}),
	"Org": object([]string{"id", "origin_node", "mode", "name", "country", "tier"}, map[string]any{
		"id": str, "origin_node": str, "mode": str, "name": str, "names": strMap, "short_name": str, "country": str,
		"tier": tier, "parent_id": str, "jurisdiction": geometry,
		"created_at": map[string]any{"type": "string", "format": "date-time"}, "updated_at": map[string]any{"type": "string", "format": "date-time"}}),
	"OrgList": list("orgs", "Org"),
	"OrgInput": object([]string{"name", "country", "tier", "parent_id"}, map[string]any{
		"name": str, "names": strMap, "short_name": str, "country": map[string]any{"type": "string", "pattern": "^[A-Za-z]{2}$"},
		"tier": tier, "parent_id": str, "jurisdiction": geometry}),
	"User": object([]string{"id", "username", "org_id", "role"}, map[string]any{
		"id": str, "username": str, "display_name": str, "email": str, "org_id": str, "role": roles, "language": langs,
		"disabled": map[string]any{"type": "boolean"}}),
	"UserList": list("users", "User"),
	"UserInput": object([]string{"username", "password", "org_id", "role"}, map[string]any{
		"username": map[string]any{"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]{1,62}$"}, "display_name": str, "email": str,
		"password": map[string]any{"type": "string", "minLength": 10}, "org_id": str, "role": roles, "language": langs}),
	"TokenInput": object([]string{"name"}, map[string]any{"name": str, "days": map[string]any{"type": "integer", "minimum": 0, "maximum": 3650}}),
	"TokenCreated": object([]string{"id", "name", "token"}, map[string]any{"id": str, "name": str, "token": str,
		"expires_at": map[string]any{"type": "string", "format": "date-time", "description": "absent: does not expire"}}),
	"Token": object([]string{"id", "name", "created_at"}, map[string]any{"id": str, "name": str,
		"created_at":   map[string]any{"type": "string", "format": "date-time"},
		"expires_at":   map[string]any{"type": "string", "format": "date-time", "description": "absent: does not expire"},
		"last_used_at": map[string]any{"type": "string", "format": "date-time", "description": "absent: never used"}}),
	"TokenList": list("tokens", "Token"),
	"AuditEntry": object([]string{"seq", "id", "at", "actor", "action", "entity_type", "entity_id", "mode", "hash"}, map[string]any{
		"seq": map[string]any{"type": "integer"}, "id": str, "at": map[string]any{"type": "string", "format": "date-time"},
		"actor": str, "org_id": str, "action": str, "entity_type": str, "entity_id": str, "mode": str,
		"before": map[string]any{}, "after": map[string]any{}, "hash": str}),
	"AuditList": object([]string{"entries"}, map[string]any{"entries": map[string]any{"type": "array", "items": ref("AuditEntry")},
		"next_after": map[string]any{"type": "integer"}}),
	"Alert": object([]string{"id", "org_id", "hazard", "cap_status", "state"}, map[string]any{
		"id": str, "org_id": str, "hazard": str, "cap_status": map[string]any{"type": "string", "enum": []string{"Actual", "Exercise", "Test", "System"}},
		"state":      map[string]any{"type": "string", "enum": []string{"draft", "submitted", "issued", "cancelled", "expired"}},
		"identifier": str, "issued": map[string]any{"type": "integer"}, "expires": map[string]any{"type": "string", "format": "date-time"},
		"headline": str, "mode": str, "updated_at": map[string]any{"type": "string", "format": "date-time"}}),
	"AlertList": list("alerts", "Alert"),
	"AlertText": object([]string{"headline", "description"}, map[string]any{"headline": str, "description": str, "instruction": str, "area_desc": str}),
	"AlertArea": object([]string{"desc"}, map[string]any{"desc": str,
		"polygons": map[string]any{"type": "array", "items": str, "description": "CAP polygons: lat,lon pairs, first = last"},
		"circles":  map[string]any{"type": "array", "items": str, "description": "CAP circles: lat,lon radius-km"},
		"regions":  map[string]any{"type": "array", "items": str, "description": "ISO 3166-2 province or ISO 3166-1 country codes"}}),
	"AlertContent": object([]string{"texts", "urgency", "severity", "certainty", "expires", "areas"}, map[string]any{
		"texts":   map[string]any{"type": "object", "description": "by language: en and ur required, ru and zh optional", "additionalProperties": ref("AlertText")},
		"urgency": str, "severity": str, "certainty": str, "response_types": map[string]any{"type": "array", "items": str},
		"onset": map[string]any{"type": "string", "format": "date-time"}, "expires": map[string]any{"type": "string", "format": "date-time"},
		"areas": map[string]any{"type": "array", "items": ref("AlertArea")}, "web": str, "contact": str, "note": str}),
	"AlertInput": object([]string{"hazard", "content"}, map[string]any{"hazard": str, "cap_status": str, "content": ref("AlertContent")}),
	"AlertDetail": object([]string{"alert", "versions", "messages"}, map[string]any{"alert": ref("Alert"),
		"versions": map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
		"messages": map[string]any{"type": "array", "items": map[string]any{"type": "object"}}}),
	"Reason":   object([]string{"reason"}, map[string]any{"reason": str}),
	"Revision": object([]string{"kind"}, map[string]any{"kind": map[string]any{"type": "string", "enum": []string{"Update", "Cancel"}}, "content": ref("AlertContent")}),
	"RecipientInput": object(nil, map[string]any{"name": str, "language": langs, "phone": map[string]any{"type": "string", "description": "E.164"},
		"email": str, "lat": map[string]any{"type": "number"}, "lon": map[string]any{"type": "number"}, "label": str,
		"webhook_url": str, "webhook_secret": str, "broadcast": map[string]any{"type": "boolean"}, "test": map[string]any{"type": "boolean"},
		"push": object([]string{"endpoint", "p256dh", "auth"}, map[string]any{"endpoint": map[string]any{"type": "string", "format": "uri", "description": "the push service URL (https) of a browser's PushSubscription"},
			"p256dh": map[string]any{"type": "string", "description": "the subscription's P-256 public key, base64url"},
			"auth":   map[string]any{"type": "string", "description": "the subscription's 16-byte authentication secret, base64url"}})}),
	"Me": object([]string{"user", "org", "scope", "permissions", "node"}, map[string]any{
		"user": ref("User"), "org": ref("Org"), "scope": map[string]any{"type": "array", "items": str},
		"permissions": map[string]any{"type": "array", "items": str}, "node": str, "language": str}),
}
