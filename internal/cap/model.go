package cap

import "github.com/taawun/taawun/internal/cap/xmltree"

// Version is a CAP version: "1.0", "1.1" or "1.2".
type Version string

// The CAP versions this package reads. Encode always writes the version
// recorded in the Alert (1.2 when empty).
const (
	V10 Version = "1.0"
	V11 Version = "1.1"
	V12 Version = "1.2"
)

// XML namespaces of the CAP versions and of XML-DSig.
const (
	NS10    = "http://www.incident.com/cap/1.0"
	NS11    = "urn:oasis:names:tc:emergency:cap:1.1"
	NS12    = "urn:oasis:names:tc:emergency:cap:1.2"
	NSDSig  = "http://www.w3.org/2000/09/xmldsig#"
	nsXMLNS = "xmlns"
)

// Namespace returns the XML namespace of v ("" for an unknown version).
func (v Version) Namespace() string {
	switch v {
	case V10:
		return NS10
	case V11:
		return NS11
	case V12, "":
		return NS12
	}
	return ""
}

// VersionOf returns the CAP version whose namespace is ns, or "" if none.
func VersionOf(ns string) Version {
	switch ns {
	case NS10:
		return V10
	case NS11:
		return V11
	case NS12:
		return V12
	}
	return ""
}

// Position is a 1-based line and column in the source document.
type Position = xmltree.Pos

// Meta records where an element was found and which of its child elements
// were present (even when empty). It is filled by the parser; values built
// in code may leave it zero.
type Meta struct {
	Pos    Position
	fields []fieldPos // child elements in document order
}

type fieldPos struct {
	name string
	pos  Position
}

// Has reports whether the child element name was present in the source.
func (m *Meta) Has(name string) bool {
	for _, f := range m.fields {
		if f.name == name {
			return true
		}
	}
	return false
}

// FieldPos returns the position of the i-th occurrence of child name, or
// the element's own position when unknown.
func (m *Meta) FieldPos(name string, i int) Position {
	for _, f := range m.fields {
		if f.name == name {
			if i == 0 {
				return f.pos
			}
			i--
		}
	}
	return m.Pos
}

// Alert is a CAP <alert>. Text fields hold the element content exactly as
// found (no trimming); Validate decides what is acceptable.
type Alert struct {
	Version     Version  `json:"version,omitempty"`
	Identifier  string   `json:"identifier,omitempty"`
	Sender      string   `json:"sender,omitempty"`
	Password    string   `json:"-"` // CAP 1.0 only
	Sent        string   `json:"sent,omitempty"`
	Status      string   `json:"status,omitempty"`
	MsgType     string   `json:"msgType,omitempty"`
	Source      string   `json:"source,omitempty"`
	Scope       string   `json:"scope,omitempty"`
	Restriction string   `json:"restriction,omitempty"`
	Addresses   string   `json:"addresses,omitempty"`
	Codes       []string `json:"codes,omitempty"`
	Note        string   `json:"note,omitempty"`
	References  string   `json:"references,omitempty"`
	Incidents   string   `json:"incidents,omitempty"`
	Infos       []Info   `json:"infos,omitempty"`
	// Signatures counts the XML-DSig <Signature> elements the source carried.
	// Encode does not write them: re-encoding changes the signed bytes.
	Signatures int `json:"signatures,omitempty"`
	// Structure lists structural problems the parser tolerated (unknown or
	// misplaced elements); Validate reports them.
	Structure []Issue `json:"-"`
	Meta      Meta    `json:"-"`
}

// Info is a CAP <info> block.
type Info struct {
	Language      string       `json:"language,omitempty"`
	Categories    []string     `json:"categories,omitempty"`
	Event         string       `json:"event,omitempty"`
	ResponseTypes []string     `json:"responseTypes,omitempty"`
	Urgency       string       `json:"urgency,omitempty"`
	Severity      string       `json:"severity,omitempty"`
	Certainty     string       `json:"certainty,omitempty"`
	Audience      string       `json:"audience,omitempty"`
	EventCodes    []NamedValue `json:"eventCodes,omitempty"`
	Effective     string       `json:"effective,omitempty"`
	Onset         string       `json:"onset,omitempty"`
	Expires       string       `json:"expires,omitempty"`
	SenderName    string       `json:"senderName,omitempty"`
	Headline      string       `json:"headline,omitempty"`
	Description   string       `json:"description,omitempty"`
	Instruction   string       `json:"instruction,omitempty"`
	Web           string       `json:"web,omitempty"`
	Contact       string       `json:"contact,omitempty"`
	Parameters    []NamedValue `json:"parameters,omitempty"`
	Resources     []Resource   `json:"resources,omitempty"`
	Areas         []Area       `json:"areas,omitempty"`
	Meta          Meta         `json:"-"`
}

// NamedValue is a CAP valueName/value pair (eventCode, parameter, geocode).
type NamedValue struct {
	ValueName string `json:"valueName,omitempty"`
	Value     string `json:"value,omitempty"`
	Meta      Meta   `json:"-"`
}

// Resource is a CAP <resource>.
type Resource struct {
	ResourceDesc string `json:"resourceDesc,omitempty"`
	MimeType     string `json:"mimeType,omitempty"`
	Size         string `json:"size,omitempty"`
	URI          string `json:"uri,omitempty"`
	DerefURI     string `json:"derefUri,omitempty"`
	Digest       string `json:"digest,omitempty"`
	Meta         Meta   `json:"-"`
}

// Area is a CAP <area>. Polygons and circles are kept as text; see
// ParsePolygon and ParseCircle.
type Area struct {
	AreaDesc string       `json:"areaDesc,omitempty"`
	Polygons []string     `json:"polygons,omitempty"`
	Circles  []string     `json:"circles,omitempty"`
	Geocodes []NamedValue `json:"geocodes,omitempty"`
	Altitude string       `json:"altitude,omitempty"`
	Ceiling  string       `json:"ceiling,omitempty"`
	Meta     Meta         `json:"-"`
}
