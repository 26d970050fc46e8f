package sqlstore

import "encoding/json"

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

// appendField appends name and s as a JSON string. Plain ASCII is copied; anything json.Marshal
// would escape (quotes, backslashes, control and HTML characters) or check (UTF-8) goes through
// json.Marshal, so the output is the same byte for byte.
func appendField(b []byte, name, s string) []byte {
	b = append(b, name...)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
