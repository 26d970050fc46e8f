package alert

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/taawun/taawun/internal/clock"
)

// jsonPieces are what the strings of a random content are made of: every script a warning is
// written in, and everything encoding/json escapes or replaces (HTML characters, control
// characters, U+2028 and U+2029, invalid and truncated UTF-8, surrogates, overlong forms) next
// to valid sequences that look like them.
var jsonPieces = []string{
	"a", "Z", "0", " ", "Flood at Jhang.", "~", "\x7f", "/", "'",
	"سیلاب", "،", "۔", "ہے", "ё", "Землетрясение", "地震", "、", "演练", "€", "😀", "\U0010FFFF", "\uFFFD", "\u00e9", "\u0600",
	"<", ">", "&", `"`, `\`, "\b", "\f", "\n", "\r", "\t", "\x00", "\x01", "\x1f", "\x1b",
	"\u2028", "\u2029", "\u2027", "\u202a", "\u2000", "\u20ac", "\u0080", "\u07ff", "\u0800", "\uffff",
	"\x80", "\xbf", "\xc0", "\xc1\xbf", "\xc2", "\xe2", "\xe2\x80", "\xe2\x80\xa8\xa8", "\xe0\x80\x80", "\xe0\x9f\xbf",
	"\xed\xa0\x80", "\xed\x9f\xbf", "\xef\xbf", "\xf0", "\xf0\x90\x80", "\xf4\x90\x80\x80", "\xf5", "\xff", "\xfe\xff",
}

func jsonText() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		var b []byte
		for _, i := range rapid.SliceOfN(rapid.IntRange(0, len(jsonPieces)-1), 0, 12).Draw(t, "pieces") {
			b = append(b, jsonPieces[i]...)
		}
		return string(b)
	})
}

func jsonStrings(t *rapid.T, label string) []string {
	if rapid.IntRange(0, 3).Draw(t, label+" nil") == 0 {
		return nil
	}
	return rapid.SliceOfN(jsonText(), 0, 3).Draw(t, label)
}

func jsonTime(t *rapid.T, label string) time.Time {
	if rapid.IntRange(0, 4).Draw(t, label+" zero") == 0 {
		return time.Time{}
	}
	// Years 0 to 10000 and beyond, offsets up to two days either way: json.Marshal refuses some.
	sec := rapid.Int64Range(-62_200_000_000, 254_000_000_000).Draw(t, label+" seconds")
	nsec := rapid.SampledFrom([]int64{0, 1, 500_000_000, 123_456_789, 999_999_999}).Draw(t, label+" nanos")
	tm := time.Unix(sec, nsec)
	switch rapid.IntRange(0, 3).Draw(t, label+" zone") {
	case 0:
		return tm.UTC()
	case 1:
		return tm.In(time.FixedZone("", 5*3600))
	case 2:
		return tm.In(time.FixedZone("", rapid.IntRange(-48*3600, 48*3600).Draw(t, label+" offset")))
	}
	return tm
}

func randomContent(t *rapid.T) Content {
	c := Content{Urgency: jsonText().Draw(t, "urgency"), Severity: jsonText().Draw(t, "severity"), Certainty: jsonText().Draw(t, "certainty"),
		ResponseTypes: jsonStrings(t, "responses"), Onset: jsonTime(t, "onset"), Expires: jsonTime(t, "expires"),
		Web: jsonText().Draw(t, "web"), Contact: jsonText().Draw(t, "contact"), Note: jsonText().Draw(t, "note")}
	if n := rapid.IntRange(-1, 5).Draw(t, "texts"); n >= 0 {
		c.Texts = map[string]Text{}
		for range n {
			key := rapid.OneOf(rapid.SampledFrom([]string{"en", "ur", "ru", "zh"}), jsonText()).Draw(t, "language")
			c.Texts[key] = Text{Headline: jsonText().Draw(t, "headline"), Description: jsonText().Draw(t, "description"),
				Instruction: jsonText().Draw(t, "instruction"), AreaDesc: jsonText().Draw(t, "area desc")}
		}
	}
	if n := rapid.IntRange(-1, 3).Draw(t, "areas"); n >= 0 {
		c.Areas = []Area{}
		for range n {
			c.Areas = append(c.Areas, Area{Desc: jsonText().Draw(t, "desc"), Polygons: jsonStrings(t, "polygons"),
				Circles: jsonStrings(t, "circles"), Regions: jsonStrings(t, "regions")})
		}
	}
	return c
}

// TestMarshalContentIsJSONMarshal: the hand-written encoder writes exactly what json.Marshal
// writes, byte for byte, for random contents in every script with every character
// encoding/json escapes, and fails where json.Marshal fails (times it cannot write).
func TestMarshalContentIsJSONMarshal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := randomContent(t)
		got, err := marshalContent(c)
		want, wantErr := json.Marshal(c)
		if (err != nil) != (wantErr != nil) || !bytes.Equal(got, want) {
			t.Fatalf("marshalContent:\n%q %v\njson.Marshal:\n%q %v", got, err, want, wantErr)
		}
	})
}

// TestMarshalContentOfAWarning: a real warning, in all four languages, encodes as json.Marshal
// encodes it, and reads back the same.
func TestMarshalContentOfAWarning(t *testing.T) {
	c := contentOfAWarning()
	c.Texts["ru"] = Text{Headline: "Сильное наводнение на Ченабе у Джанга", Description: "Ожидается <очень> сильный паводок & подъём воды.", Instruction: "Поднимитесь выше.", AreaDesc: "Джанг"}
	c.Texts["zh"] = Text{Headline: "杰赫勒姆河洪水", Description: "预计24小时内\u2028水位上涨。", Instruction: "转移到高处。"}
	c.Onset = c.Expires.Add(-time.Hour).In(time.FixedZone("PKT", 5*3600))
	c.Note, c.Web = "Drafted automatically from hazard event \"x\" (revision 2)", "https://ndma.gov.pk/?a=1&b=2"
	got, err := marshalContent(c)
	want, _ := json.Marshal(c)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("marshalContent:\n%s %v\njson.Marshal:\n%s", got, err, want)
	}
	var back Content
	if err := json.Unmarshal(got, &back); err != nil || back.Texts["zh"] != c.Texts["zh"] || !back.Onset.Equal(c.Onset) {
		t.Fatalf("read back %+v, %v", back, err)
	}
}

// contentOfAWarning is the flood warning of the service tests, without a database.
func contentOfAWarning() Content {
	return (&fixture{clk: clock.NewManual(time.Date(2026, 8, 14, 3, 0, 0, 0, time.UTC))}).floodContent()
}

func BenchmarkMarshalContent(b *testing.B) {
	c := contentOfAWarning()
	c.Texts["ru"] = Text{Headline: "Сильное наводнение на Ченабе у Джанга", Description: "Ожидается очень сильный паводок у плотины Тримму в ближайшие 24 часа.", Instruction: "Поднимитесь выше."}
	c.Texts["zh"] = Text{Headline: "杰赫勒姆河洪水", Description: "预计24小时内特里穆水坝将出现特大洪水。", Instruction: "转移到高处。"}
	b.Run("hand-written", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			marshalContent(c)
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			json.Marshal(c)
		}
	})
}
