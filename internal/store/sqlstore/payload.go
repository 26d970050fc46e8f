package sqlstore

import "github.com/taawun/taawun/internal/jsonstr"

// marshalPayload writes p exactly as json.Marshal does, without reflection and without checking
// and compacting Data again: Record has just made Data with json.Marshal, so it is valid and
// compact. Every recorded change writes one payload on the single writer, where json.Marshal's
// second pass over Data cost more than building the rest.
func marshalPayload(p EventPayload) []byte {
	b := make([]byte, 0, 160+len(p.ID)+len(p.EntityID)+len(p.Data))
	b = appendField(b, `{"id":`, p.ID)
	b = appendField(b, `,"kind":`, p.Kind)
	b = appendField(b, `,"node":`, p.Node)
	b = appendField(b, `,"mode":`, p.Mode)
	b = appendField(b, `,"at":`, p.At)
	b = appendField(b, `,"actor":`, p.Actor)
	if p.OrgID != "" {
		b = appendField(b, `,"org_id":`, p.OrgID)
	}
	b = appendField(b, `,"entity_type":`, p.EntityType)
	b = appendField(b, `,"entity_id":`, p.EntityID)
	if len(p.Data) > 0 {
		b = append(b, `,"data":`...)
		b = append(b, p.Data...)
	}
	return append(b, '}')
}

// appendField appends name and s as a JSON string.
func appendField(b []byte, name, s string) []byte {
	return jsonstr.Append(append(b, name...), s)
}
