package cap

import (
	"fmt"
	"strings"
)

// Severity ranks an Issue. Only errors make a message invalid.
type Severity int

// Severities, from most to least serious.
const (
	SevError Severity = iota
	SevWarning
	SevInfo
)

// String returns "error", "warning" or "info".
func (s Severity) String() string {
	switch s {
	case SevError:
		return "error"
	case SevWarning:
		return "warning"
	}
	return "info"
}

// MarshalText encodes the severity as its name (for JSON reports).
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Issue is one finding about a message.
type Issue struct {
	Code     string   `json:"code"`     // stable rule code, see Rules
	Severity Severity `json:"severity"` // error, warning or info
	Path     string   `json:"path"`     // element path, e.g. alert/info[0]/area[1]/polygon[0]
	Pos      Position `json:"pos"`      // line:column in the source (zero if unknown)
	Message  string   `json:"message"`
}

// String formats the issue as "line:col: severity CODE: message (path)".
func (i Issue) String() string {
	var b strings.Builder
	if i.Pos.Line > 0 {
		fmt.Fprintf(&b, "%d:%d: ", i.Pos.Line, i.Pos.Col)
	}
	fmt.Fprintf(&b, "%s %s: %s", i.Severity, i.Code, i.Message)
	if i.Path != "" {
		fmt.Fprintf(&b, " (%s)", i.Path)
	}
	return b.String()
}

// Report is the outcome of a validation.
type Report struct {
	Profile Profile `json:"profile"`
	Issues  []Issue `json:"issues"`
}

// Valid reports whether the report holds no error.
func (r Report) Valid() bool { return r.Count(SevError) == 0 }

// Count returns how many issues have severity s.
func (r Report) Count(s Severity) int {
	n := 0
	for _, i := range r.Issues {
		if i.Severity == s {
			n++
		}
	}
	return n
}

// Rule describes one validation rule.
type Rule struct {
	Code    string
	Summary string
}

// Rule codes. They are stable: a code is never reused for another meaning.
const (
	RuleXML          = "CAP001" // not well-formed, refused or over a limit
	RuleNotCAP       = "CAP002" // root is not a CAP alert of a known version
	RuleUnknown      = "CAP003" // unknown element in the CAP namespace
	RuleOrder        = "CAP004" // element out of schema order
	RuleRepeated     = "CAP005" // element that may occur once is repeated
	RuleForeign      = "CAP006" // element from a foreign namespace
	RuleRequired     = "CAP010" // required element missing
	RuleEmpty        = "CAP011" // element present but empty
	RuleEnum         = "CAP012" // value not in the enumeration
	RuleWhitespace   = "CAP013" // leading/trailing white space in a token value
	RuleIdentifier   = "CAP020" // identifier/sender contains space, comma or < &
	RuleDateTime     = "CAP021" // date-time not in the CAP form
	RuleScope        = "CAP022" // Restricted/Private scope without restriction/addresses
	RuleReferences   = "CAP023" // references missing or malformed
	RuleTimeOrder    = "CAP024" // expires not after sent/effective/onset
	RuleConsistency  = "CAP025" // info blocks differ in categories or event codes
	RuleLanguage     = "CAP030" // language is not an RFC 3066 tag
	RuleNamedValue   = "CAP031" // valueName or value missing
	RuleHTML         = "CAP032" // text carries HTML markup
	RuleURI          = "CAP033" // web or resource uri is not a valid URI
	RuleResource     = "CAP040" // resource size/digest/derefUri malformed
	RuleMIME         = "CAP041" // mimeType is not type/subtype
	RuleDeref        = "CAP042" // derefUri disagrees with size or digest
	RulePolygon      = "CAP050" // polygon malformed
	RuleCircle       = "CAP051" // circle malformed
	RuleAltitude     = "CAP052" // altitude/ceiling malformed
	RuleSelfCross    = "CAP053" // polygon edges cross each other
	RuleDeprecated   = "CAP060" // value valid only in an older version
	RuleProfileInfo  = "CAP100" // profile needs at least one info
	RuleProfileField = "CAP101" // profile needs an optional element
	RuleProfileCode  = "CAP102" // profile needs a code/eventCode/geocode
	RuleProfileValue = "CAP103" // profile restricts a value
	RuleProfileArea  = "CAP104" // profile needs a located area
	RuleGeocode      = "CAP110" // geocode unknown to the gazetteer
	RuleGeocodeSkip  = "CAP111" // geocodes could not be checked
	RuleSignature    = "CAP120" // profile needs a signature
)

// Rules lists every rule code with a one-line summary, in code order.
func Rules() []Rule {
	return []Rule{
		{RuleXML, "document is not well-formed XML, contains a DTD, or exceeds a limit"},
		{RuleNotCAP, "root element is not a CAP alert in a known namespace"},
		{RuleUnknown, "unknown element in the CAP namespace"},
		{RuleOrder, "element out of the order the schema requires"},
		{RuleRepeated, "element that may occur at most once is repeated"},
		{RuleForeign, "element from a foreign namespace where the schema allows none"},
		{RuleRequired, "required element missing"},
		{RuleEmpty, "element present but empty"},
		{RuleEnum, "value not in the enumeration"},
		{RuleWhitespace, "token value has leading or trailing white space"},
		{RuleIdentifier, "identifier or sender contains white space, comma, < or &"},
		{RuleDateTime, "date-time not in the form YYYY-MM-DDThh:mm:ss±hh:mm"},
		{RuleScope, "scope Restricted needs restriction (and only it may have one); scope Private needs addresses"},
		{RuleReferences, "references missing on Update/Cancel (or Ack/Error), not sender,identifier,sent triples, or referring to the message itself"},
		{RuleTimeOrder, "expires before sent (equal: warning), effective after expires, or onset not before expires"},
		{RuleConsistency, "info blocks (translations) differ in categories or event codes"},
		{RuleLanguage, "language is not an RFC 3066 language tag"},
		{RuleNamedValue, "valueName or value missing or empty"},
		{RuleHTML, "text contains HTML markup or entities"},
		{RuleURI, "web or resource uri is not a valid URI"},
		{RuleResource, "resource size, digest or derefUri malformed"},
		{RuleMIME, "mimeType is not a type/subtype media type"},
		{RuleDeref, "derefUri content disagrees with size or SHA-1 digest"},
		{RulePolygon, "polygon is not ≥4 closed lat,lon pairs in range"},
		{RuleCircle, "circle is not 'lat,lon radius' in range"},
		{RuleAltitude, "altitude or ceiling is not a number, or ceiling without altitude"},
		{RuleSelfCross, "polygon edges cross each other (self-intersection)"},
		{RuleDeprecated, "value only valid in an older CAP version"},
		{RuleProfileInfo, "profile requires at least one info block"},
		{RuleProfileField, "profile requires an element that CAP makes optional"},
		{RuleProfileCode, "profile requires a code, eventCode or geocode"},
		{RuleProfileValue, "profile restricts the values of an element"},
		{RuleProfileArea, "profile requires every area to be located"},
		{RuleGeocode, "geocode unknown to the gazetteer"},
		{RuleGeocodeSkip, "geocodes could not be checked (no gazetteer)"},
		{RuleSignature, "profile requires an XML signature"},
	}
}
