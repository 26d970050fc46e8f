package web

import (
	"github.com/taawun/taawun/internal/ops"
	"github.com/taawun/taawun/internal/store"
)

// opsSchemaName is the schema prefix of a kind: "Incident", "Task", …
func opsSchemaName(k store.OpsKind) string {
	return string(k[0]-'a'+'A') + string(k[1:])
}

var (
	opsInt      = map[string]any{"type": "integer"}
	opsQty      = map[string]any{"type": "integer", "minimum": 1, "maximum": ops.MaxQuantity}
	opsCount    = map[string]any{"type": "integer", "minimum": 0}
	opsTime     = map[string]any{"type": "string", "format": "date-time"}
	opsStrArr   = map[string]any{"type": "array", "items": str}
	opsGeometry = map[string]any{"type": "object", "description": "GeoJSON geometry (RFC 7946), WGS 84 longitude, latitude"}
	opsObj      = map[string]any{"type": "object"}
)

func enumOf(vals ...string) map[string]any { return map[string]any{"type": "string", "enum": vals} }

// opsInput is the schema of Input with the kind's own data schema and statuses.
func opsInput(kind store.OpsKind, data map[string]any) map[string]any {
	statuses := ops.Statuses(kind)
	return object([]string{"title", "data"}, map[string]any{
		"title": map[string]any{"type": "string", "minLength": 1, "maxLength": 300}, "status": enumOf(statuses...),
		"incident_id": str, "geometry": opsGeometry, "data": data,
		"share_with": map[string]any{"type": "array", "items": str, "description": "organisation ids that should also see the record"}})
}

var opsSchemas = func() map[string]any {
	figures := map[string]any{}
	for _, name := range ops.FigureNames {
		figures[name] = opsCount
	}
	sitrepProps := map[string]any{"area_code": map[string]any{"type": "string", "description": "ISO 3166-1 country or ISO 3166-2 province code"},
		"as_of": opsTime, "needs": str}
	for k, v := range figures {
		sitrepProps[k] = v
	}
	sitrep := map[string]any{"id": str, "org_id": str, "author_id": str}
	for k, v := range sitrepProps {
		sitrep[k] = v
	}
	return map[string]any{
		"OpsRecord": object([]string{"id", "kind", "org_id", "status", "title", "data"}, map[string]any{
			"id": str, "kind": enumOf("incident", "task", "shelter", "team", "warehouse", "request", "offer", "distribution"),
			"org_id": str, "incident_id": str, "status": str, "title": str, "geometry": opsGeometry, "data": opsObj,
			"overdue": map[string]any{"type": "boolean", "description": "a task past due and not done"},
			"mode":    str, "origin_node": str, "created_at": opsTime, "updated_at": opsTime}),
		"OpsRecordList": list("records", "OpsRecord"),
		"IncidentInput": opsInput(store.OpsIncident, object([]string{"hazard"}, map[string]any{
			"hazard": str, "source": enumOf("manual", "alert", "hazard_event"), "alerts": opsStrArr,
			"events":       map[string]any{"type": "array", "items": object([]string{"kind", "id"}, map[string]any{"kind": str, "id": str})},
			"participants": opsStrArr, "description": str})),
		"TaskInput": opsInput(store.OpsTask, object([]string{"assignee_org", "due"}, map[string]any{
			"description": str, "assignee_org": str, "team_id": str, "due": opsTime, "checklist": str, "step": str})),
		"ShelterInput": opsInput(store.OpsShelter, object([]string{"type", "capacity"}, map[string]any{
			"type": enumOf("shelter", "camp"), "capacity": opsQty,
			"occupancy": map[string]any{"type": "object", "additionalProperties": opsCount,
				"description": "people by <female|male>_<0_4|5_17|18_59|60_plus>"},
			"facilities": map[string]any{"type": "array", "items": enumOf(ops.Facilities...)}, "needs": str})),
		"TeamInput": opsInput(store.OpsTeam, object([]string{"type", "size"}, map[string]any{
			"type": enumOf(ops.TeamTypes...), "size": map[string]any{"type": "integer", "minimum": 1, "maximum": 10000},
			"capabilities": opsStrArr, "assignment": str, "contact": str})),
		"WarehouseInput": opsInput(store.OpsWarehouse, object(nil, map[string]any{"contact": str, "capacity": str})),
		"RequestInput": opsInput(store.OpsRequest, object([]string{"item_id", "quantity", "urgency"}, map[string]any{
			"item_id": str, "quantity": opsQty, "urgency": enumOf(ops.Urgencies...), "requester": str})),
		"OfferInput": opsInput(store.OpsOffer, object([]string{"item_id", "quantity", "donor"}, map[string]any{
			"item_id": str, "quantity": opsQty, "donor": str})),
		"ShareInput":     object([]string{"org_id"}, map[string]any{"org_id": str}),
		"StatusInput":    object([]string{"status"}, map[string]any{"status": str}),
		"FromEventInput": object([]string{"event_id"}, map[string]any{"event_id": str, "participants": opsStrArr}),
		"LogInput": object([]string{"body"}, map[string]any{"body": map[string]any{"type": "string", "maxLength": ops.MaxEntryText},
			"occurred_at": opsTime, "attachments": map[string]any{"type": "array", "maxItems": ops.MaxAttachments,
				"items": object([]string{"name", "content_base64"}, map[string]any{"name": str, "content_base64": str})}}),
		"LogEntry": object([]string{"id", "incident_id", "org_id", "author_id", "body", "occurred_at", "state"}, map[string]any{
			"id": str, "incident_id": str, "org_id": str, "author_id": str, "body": str, "occurred_at": opsTime,
			"state": enumOf("pending", "vetted", "rejected"), "vetted_by": str, "vetted_at": opsTime, "reason": str,
			"attachments": map[string]any{"type": "array", "items": object([]string{"id", "name", "content_type", "size", "url"},
				map[string]any{"id": str, "name": str, "content_type": str, "size": opsInt, "url": str})}}),
		"LogList":     list("entries", "LogEntry"),
		"VetInput":    object([]string{"approve"}, map[string]any{"approve": map[string]any{"type": "boolean"}, "reason": str}),
		"SitrepInput": object([]string{"area_code", "as_of"}, sitrepProps),
		"Sitrep":      object([]string{"id", "area_code", "as_of"}, sitrep),
		"SitrepSummary": object([]string{"as_of", "reports", "rollup", "daily"}, map[string]any{
			"as_of": opsTime, "rule": str, "reports": map[string]any{"type": "array", "items": ref("Sitrep")},
			"rollup": map[string]any{"type": "array", "items": object([]string{"code", "total"}, map[string]any{
				"code": str, "parent": str, "own": object(nil, figures), "reported": opsTime, "total": object(nil, figures), "needs": str})},
			"daily": map[string]any{"type": "array", "items": object([]string{"start", "end", "change", "total"}, map[string]any{
				"start": opsTime, "end": opsTime, "change": opsObj, "total": opsObj})}}),
		"ChecklistInput": object([]string{"checklist"}, map[string]any{"checklist": str, "assignee_org": str}),
		"ItemInput": object([]string{"code", "cluster", "unit", "names"}, map[string]any{
			"code": str, "cluster": enumOf("food", "shelter_nfi", "wash", "health"), "unit": enumOf(ops.Units...), "names": strMap}),
		"Item": object([]string{"id", "code", "cluster", "unit", "names"}, map[string]any{
			"id": str, "code": str, "cluster": str, "unit": str, "names": strMap}),
		"ItemList": object([]string{"items", "units"}, map[string]any{"items": map[string]any{"type": "array", "items": ref("Item")}, "units": opsStrArr}),
		"StockList": object([]string{"stock"}, map[string]any{"stock": map[string]any{"type": "array",
			"items": object([]string{"warehouse_id", "item_id", "quantity"}, map[string]any{"warehouse_id": str, "item_id": str, "quantity": opsCount})}}),
		"Movement": object([]string{"kind", "warehouse_id", "item_id", "quantity"}, map[string]any{
			"kind": enumOf("receive", "dispatch", "transfer", "adjust"), "warehouse_id": str, "to_warehouse_id": str, "item_id": str,
			"quantity":   map[string]any{"type": "integer", "description": "positive; an adjustment may be negative"},
			"request_id": str, "note": map[string]any{"type": "string", "maxLength": 500}}),
		"LedgerList": object([]string{"lines"}, map[string]any{"lines": map[string]any{"type": "array",
			"items": object([]string{"id", "warehouse_id", "item_id", "kind", "delta", "balance", "at"}, map[string]any{
				"id": str, "warehouse_id": str, "item_id": str, "kind": enumOf("receive", "dispatch", "transfer_out", "transfer_in", "adjust"),
				"delta": opsInt, "balance": opsCount, "ref_id": str, "actor": str, "note": str, "at": opsTime})}}),
		"DistributionInput": object([]string{"warehouse_id", "site", "lines"}, map[string]any{
			"incident_id": str, "geometry": opsGeometry, "warehouse_id": str, "site": str,
			"lines": map[string]any{"type": "array", "minItems": 1, "maxItems": 100,
				"items": object([]string{"item_id", "quantity"}, map[string]any{"item_id": str, "quantity": opsQty})},
			"households": opsCount, "people": opsCount, "female": opsCount, "male": opsCount, "children": opsCount}),
		"MatchList": object([]string{"matches"}, map[string]any{"matches": map[string]any{"type": "array",
			"items": object([]string{"kind", "id", "available", "covers", "distance_km"}, map[string]any{
				"kind": enumOf("offer", "warehouse"), "id": str, "title": str, "available": opsCount,
				"covers": map[string]any{"type": "boolean"}, "distance_km": map[string]any{"type": "number", "description": "-1 when unknown"}})}}),
		"Quantity": object([]string{"quantity"}, map[string]any{"quantity": opsQty}),
		"COP": map[string]any{"type": "object", "description": "one GeoJSON FeatureCollection per requested layer (truncated: true when capped)",
			"properties": map[string]any{"alert": ref("COPAlertLayer"), "hazard": ref("COPHazardLayer")},
			"additionalProperties": object([]string{"type", "features"}, map[string]any{"type": enumOf("FeatureCollection"),
				"features": map[string]any{"type": "array", "items": opsObj}, "truncated": map[string]any{"type": "boolean"}})},
		"OpsDashboard": object([]string{"counts"}, map[string]any{"counts": opsObj, "overdue_tasks": opsCount,
			"shelter_capacity": opsCount, "sheltered": opsCount}),
	}
}()
