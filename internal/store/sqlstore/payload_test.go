package sqlstore

import (
	"bytes"
	"encoding/json"
	"testing"

	"pgregory.net/rapid"
)

// TestMarshalPayloadMatchesJSON checks the hand-written payload against json.Marshal, byte for
// byte, with strings that need escaping and data of every JSON shape.
func TestMarshalPayloadMatchesJSON(t *testing.T) {
	str := rapid.OneOf(rapid.String(), rapid.StringMatching(`[a-z0-9.\-]{0,20}`), rapid.SampledFrom([]string{"", `"quoted"`, `back\slash`, "<b>&</b>", "tab\there", "line\u2028sep", "bad \xff utf-8", "اردو", "中文"}))
	rapid.Check(t, func(t *rapid.T) {
		var data json.RawMessage
		if rapid.Bool().Draw(t, "has data") {
			v := map[string]any{"s": str.Draw(t, "data string"), "n": rapid.Float64().Draw(t, "n"), "list": []any{str.Draw(t, "item"), true, nil}}
			var err error
			if data, err = json.Marshal(v); err != nil {
				t.Skip("unmarshalable float")
			}
		}
		p := EventPayload{ID: str.Draw(t, "id"), Kind: str.Draw(t, "kind"), Node: str.Draw(t, "node"), Mode: str.Draw(t, "mode"),
			At: str.Draw(t, "at"), Actor: str.Draw(t, "actor"), OrgID: str.Draw(t, "org"), EntityType: str.Draw(t, "type"),
			EntityID: str.Draw(t, "entity"), Data: data}
		want, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := marshalPayload(p); !bytes.Equal(got, want) {
			t.Fatalf("marshalPayload:\n got %s\nwant %s", got, want)
		}
	})
}
