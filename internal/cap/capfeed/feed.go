package capfeed

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/xmltree"
)

// Namespaces of the containers.
const (
	NSAtom   = "http://www.w3.org/2005/Atom"
	NSEDXLDE = "urn:oasis:names:tc:emergency:EDXL:DE:1.0"
)

// ErrNotFeed means the root element is not an Atom feed, an RSS 2.0
// document or an EDXL-DE distribution.
var ErrNotFeed = errors.New("not an Atom, RSS or EDXL-DE document")

// Kind tells which container a Feed was read from.
type Kind string

// The container kinds.
const (
	KindAtom   Kind = "atom"
	KindRSS    Kind = "rss"
	KindEDXLDE Kind = "edxlde"
)

// Feed is a container of CAP alerts. For EDXL-DE, ID is the
// distributionID, Title the senderID and Updated the dateTimeSent, and
// each contentObject is an Entry.
type Feed struct {
	Kind    Kind
	ID      string
	Title   string
	Updated string
	Entries []Entry
	Pos     cap.Position
	root    *xmltree.Node
}

// Entry is an Atom entry, an RSS item or an EDXL-DE contentObject.
type Entry struct {
	ID      string
	Title   string
	Updated string
	Summary string
	// Links are the link targets (Atom link href, RSS link and enclosure url).
	Links []Link
	// Alerts are the CAP alerts embedded in the entry.
	Alerts []*cap.Alert
	Pos    cap.Position
}

// Link is a link of an entry.
type Link struct {
	Href, Rel, Type string
}

// CAPLinks returns the links that may lead to a CAP document: those typed
// application/cap+xml, or, when none is typed so, every link that is not
// rel="self".
func (e *Entry) CAPLinks() []string {
	var typed, other []string
	for _, l := range e.Links {
		switch {
		case l.Href == "":
		case l.Type == "application/cap+xml":
			typed = append(typed, l.Href)
		case l.Rel != "self":
			other = append(other, l.Href)
		}
	}
	if len(typed) > 0 {
		return typed
	}
	return other
}

// Parse reads an Atom feed, RSS document or EDXL-DE envelope from r with
// the default limits.
func Parse(r io.Reader) (*Feed, error) { return ParseWithLimits(r, cap.Limits{}) }

// ParseBytes is Parse on a byte slice.
func ParseBytes(b []byte) (*Feed, error) { return Parse(bytes.NewReader(b)) }

// ParseWithLimits is Parse within lim.
func ParseWithLimits(r io.Reader, lim cap.Limits) (*Feed, error) {
	root, err := xmltree.Parse(r, lim)
	if err != nil {
		return nil, fmt.Errorf("capfeed: parse: %w", err)
	}
	return ParseNode(root)
}

// IsFeed reports whether n is the root element of a container this
// package reads.
func IsFeed(n *xmltree.Node) bool {
	return (n.Name.Space == NSAtom && n.Name.Local == "feed") ||
		(n.Name.Space == "" && n.Name.Local == "rss") ||
		(n.Name.Space == NSEDXLDE && n.Name.Local == "EDXLDistribution")
}

// ParseNode builds a Feed from an already parsed root element.
func ParseNode(root *xmltree.Node) (*Feed, error) {
	switch {
	case root.Name.Space == NSAtom && root.Name.Local == "feed":
		return readAtom(root), nil
	case root.Name.Space == "" && root.Name.Local == "rss":
		return readRSS(root), nil
	case root.Name.Space == NSEDXLDE && root.Name.Local == "EDXLDistribution":
		return readEDXL(root), nil
	}
	return nil, fmt.Errorf("capfeed: root element <%s> in namespace %q: %w", root.Name.Local, root.Name.Space, ErrNotFeed)
}

// embeddedAlerts parses the CAP alerts among n's children.
func embeddedAlerts(n *xmltree.Node) []*cap.Alert {
	var out []*cap.Alert
	for _, c := range n.Children {
		if c.Name.Local == "alert" && cap.VersionOf(c.Name.Space) != "" {
			if a, err := cap.ParseNode(c); err == nil {
				out = append(out, a)
			}
		}
	}
	return out
}

func readAtom(root *xmltree.Node) *Feed {
	f := &Feed{Kind: KindAtom, Pos: root.Pos, root: root}
	for _, c := range root.Children {
		if c.Name.Space != NSAtom {
			continue
		}
		switch c.Name.Local {
		case "id":
			f.ID = c.Text
		case "title":
			f.Title = c.Text
		case "updated":
			f.Updated = c.Text
		case "entry":
			e := Entry{Pos: c.Pos}
			for _, ec := range c.Children {
				if ec.Name.Space != NSAtom {
					continue
				}
				switch ec.Name.Local {
				case "id":
					e.ID = ec.Text
				case "title":
					e.Title = ec.Text
				case "updated":
					e.Updated = ec.Text
				case "summary":
					e.Summary = ec.Text
				case "link":
					href, _ := ec.AttrValue("href")
					rel, _ := ec.AttrValue("rel")
					typ, _ := ec.AttrValue("type")
					e.Links = append(e.Links, Link{Href: href, Rel: rel, Type: typ})
				case "content":
					e.Alerts = append(e.Alerts, embeddedAlerts(ec)...)
					if src, ok := ec.AttrValue("src"); ok {
						typ, _ := ec.AttrValue("type")
						e.Links = append(e.Links, Link{Href: src, Rel: "content", Type: typ})
					}
				}
			}
			f.Entries = append(f.Entries, e)
		}
	}
	return f
}

func readRSS(root *xmltree.Node) *Feed {
	f := &Feed{Kind: KindRSS, Pos: root.Pos, root: root}
	ch := root.Child("", "channel")
	if ch == nil {
		return f
	}
	for _, c := range ch.Children {
		if c.Name.Space != "" {
			continue
		}
		switch c.Name.Local {
		case "title":
			f.Title = c.Text
		case "link":
			f.ID = c.Text
		case "lastBuildDate", "pubDate":
			if f.Updated == "" || c.Name.Local == "lastBuildDate" {
				f.Updated = c.Text
			}
		case "item":
			e := Entry{Pos: c.Pos}
			for _, ic := range c.Children {
				switch {
				case ic.Name.Space == "" && ic.Name.Local == "title":
					e.Title = ic.Text
				case ic.Name.Space == "" && ic.Name.Local == "description":
					e.Summary = ic.Text
				case ic.Name.Space == "" && ic.Name.Local == "guid":
					e.ID = ic.Text
				case ic.Name.Space == "" && ic.Name.Local == "pubDate":
					e.Updated = ic.Text
				case ic.Name.Space == "" && ic.Name.Local == "link":
					e.Links = append(e.Links, Link{Href: ic.Text})
				case ic.Name.Space == "" && ic.Name.Local == "enclosure":
					href, _ := ic.AttrValue("url")
					typ, _ := ic.AttrValue("type")
					e.Links = append(e.Links, Link{Href: href, Rel: "enclosure", Type: typ})
				}
			}
			e.Alerts = embeddedAlerts(c)
			f.Entries = append(f.Entries, e)
		}
	}
	return f
}

func readEDXL(root *xmltree.Node) *Feed {
	f := &Feed{Kind: KindEDXLDE, Pos: root.Pos, root: root}
	for _, c := range root.Children {
		if c.Name.Space != NSEDXLDE {
			continue
		}
		switch c.Name.Local {
		case "distributionID":
			f.ID = c.Text
		case "senderID":
			f.Title = c.Text
		case "dateTimeSent":
			f.Updated = c.Text
		case "contentObject":
			e := Entry{Pos: c.Pos}
			if d := c.Child(NSEDXLDE, "contentDescription"); d != nil {
				e.Title = d.Text
			}
			if x := c.Child(NSEDXLDE, "xmlContent"); x != nil {
				for _, emb := range x.Children {
					if emb.Name.Space == NSEDXLDE && emb.Name.Local == "embeddedXMLContent" {
						e.Alerts = append(e.Alerts, embeddedAlerts(emb)...)
					}
				}
			}
			if nx := c.Child(NSEDXLDE, "nonXMLContent"); nx != nil {
				if u := nx.Child(NSEDXLDE, "uri"); u != nil {
					typ := ""
					if m := nx.Child(NSEDXLDE, "mimeType"); m != nil {
						typ = m.Text
					}
					e.Links = append(e.Links, Link{Href: u.Text, Type: typ})
				}
			}
			f.Entries = append(f.Entries, e)
		}
	}
	return f
}
