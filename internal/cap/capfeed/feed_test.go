package capfeed_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/capfeed"
)

const embedded = `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>id1</identifier><sender>s@x</sender><sent>2026-01-01T00:00:00-00:00</sent><status>Test</status><msgType>Alert</msgType><scope>Public</scope></alert>`

func TestFeeds(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		kind  capfeed.Kind
		valid bool
		codes []string
	}{
		{"rss fat", `<rss version="2.0"><channel><title>t</title><link>http://x</link><description>d</description>
<item><title>a</title>` + embedded + `</item></channel></rss>`, capfeed.KindRSS, true, nil},
		{"rss no channel", `<rss version="2.0"/>`, capfeed.KindRSS, false, []string{capfeed.RuleFeedField}},
		{"rss bad date", `<rss version="2.0"><channel><title>t</title><link>http://x</link><description>d</description><pubDate>yesterday</pubDate></channel></rss>`, capfeed.KindRSS, true, []string{capfeed.RuleDate}},
		{"atom content not cap", `<feed xmlns="http://www.w3.org/2005/Atom"><id>i</id><title>t</title><updated>2026-01-01T00:00:00Z</updated>
<entry><id>e</id><title>t</title><updated>2026-01-01T00:00:00Z</updated><content type="text/xml"><x xmlns="urn:other"/></content></entry></feed>`, capfeed.KindAtom, false, []string{capfeed.RuleContent, capfeed.RuleEntryCAP}},
		{"atom typed cap link", `<feed xmlns="http://www.w3.org/2005/Atom"><id>i</id><title>t</title><updated>2026-01-01T00:00:00Z</updated>
<entry><id>e</id><title>t</title><updated>2026-01-01T00:00:00Z</updated><link rel="self" href="http://x/feed"/><link type="application/cap+xml" href="http://x/a.cap"/></entry></feed>`, capfeed.KindAtom, true, nil},
		{"atom out-of-line content", `<feed xmlns="http://www.w3.org/2005/Atom"><id>i</id><title>t</title><updated>2026-01-01T00:00:00Z</updated>
<entry><id>e</id><title>t</title><updated>2026-01-01T00:00:00Z</updated><content type="application/cap+xml" src="http://x/a.cap"/></entry></feed>`, capfeed.KindAtom, true, nil},
		{"atom duplicate ids", `<feed xmlns="http://www.w3.org/2005/Atom"><id>i</id><title>t</title><updated>2026-01-01T00:00:00Z</updated>
<entry><id>e</id><title>t</title><updated>2026-01-01T00:00:00Z</updated><link href="http://x/a.cap"/></entry>
<entry><id>e</id><title>t</title><updated>2026-01-01T00:00:00Z</updated><link href="http://x/b.cap"/></entry></feed>`, capfeed.KindAtom, false, []string{capfeed.RuleDuplicateID}},
		{"rss duplicate guids", `<rss version="2.0"><channel><title>t</title><link>http://x</link><description>d</description>
<item><title>a</title><guid>g</guid><link>http://x/a.cap</link></item><item><title>b</title><guid>g</guid><link>http://x/b.cap</link></item></channel></rss>`, capfeed.KindRSS, false, []string{capfeed.RuleDuplicateID}},
		{"edxl bad enums", `<EDXLDistribution xmlns="urn:oasis:names:tc:emergency:EDXL:DE:1.0"><distributionID>d</distributionID><senderID>s</senderID>
<dateTimeSent>2026-01-01T00:00:00Z</dateTimeSent><distributionStatus>Real</distributionStatus><distributionType>Gossip</distributionType><combinedConfidentiality>U</combinedConfidentiality>
<contentObject/></EDXLDistribution>`, capfeed.KindEDXLDE, false, []string{capfeed.RuleEDXLEnum, capfeed.RuleEDXLContent}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, rep := capfeed.Check(context.Background(), strings.NewReader(tt.src), cap.Options{})
			if f == nil {
				t.Fatalf("not parsed: %v", rep.Issues)
			}
			if f.Kind != tt.kind {
				t.Errorf("kind %s, want %s", f.Kind, tt.kind)
			}
			if rep.Valid() != tt.valid {
				t.Errorf("valid=%v, want %v: %v", rep.Valid(), tt.valid, rep.Issues)
			}
			var got []string
			for _, is := range rep.Issues {
				got = append(got, is.Code)
			}
			for _, c := range tt.codes {
				if !slices.Contains(got, c) {
					t.Errorf("missing %s in %v", c, rep.Issues)
				}
			}
		})
	}
}

func TestNotFeed(t *testing.T) {
	_, err := capfeed.ParseBytes([]byte(embedded))
	if !errors.Is(err, capfeed.ErrNotFeed) {
		t.Fatalf("got %v, want ErrNotFeed", err)
	}
	_, err = capfeed.ParseBytes([]byte(`<!DOCTYPE feed><feed/>`))
	if !errors.Is(err, cap.ErrDTD) {
		t.Fatalf("got %v, want ErrDTD", err)
	}
}

func TestEmbeddedAlertParsed(t *testing.T) {
	f, err := capfeed.ParseBytes([]byte(`<rss version="2.0"><channel><item>` + embedded + `</item></channel></rss>`))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Entries) != 1 || len(f.Entries[0].Alerts) != 1 || f.Entries[0].Alerts[0].Identifier != "id1" {
		t.Fatalf("embedded alert not read: %+v", f.Entries)
	}
}
