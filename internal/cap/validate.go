package cap

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Validate checks a against the CAP specification and opts.Profile and
// returns every finding. It never fails: problems are issues.
func Validate(ctx context.Context, a *Alert, opts Options) Report {
	if opts.Profile == "" {
		opts.Profile = ProfileStrict
	}
	c := &checker{a: a, v: a.Version}
	if c.v == "" {
		c.v = V12
	}
	c.issues = append(c.issues, a.Structure...)
	c.alert()
	switch opts.Profile {
	case ProfileGoogle:
		c.google()
	case ProfileIPAWS:
		c.ipaws()
	case ProfileCAPCP:
		c.capcp()
	case ProfilePK:
		c.pk(ctx, opts.Resolver)
	}
	slices.SortStableFunc(c.issues, func(x, y Issue) int {
		if x.Pos.Line != y.Pos.Line {
			return x.Pos.Line - y.Pos.Line
		}
		return x.Pos.Col - y.Pos.Col
	})
	return Report{Profile: opts.Profile, Issues: c.issues}
}

type checker struct {
	a      *Alert
	v      Version
	issues []Issue
}

func (c *checker) add(code string, sev Severity, path string, pos Position, format string, args ...any) {
	c.issues = append(c.issues, Issue{Code: code, Severity: sev, Path: path, Pos: pos, Message: fmt.Sprintf(format, args...)})
}

// Enumerations per version.
var (
	statusValues    = []string{"Actual", "Exercise", "System", "Test", "Draft"}
	msgTypeValues   = []string{"Alert", "Update", "Cancel", "Ack", "Error"}
	scopeValues     = []string{"Public", "Restricted", "Private"}
	categoryValues  = []string{"Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra", "CBRNE", "Other"}
	responseValues  = []string{"Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None"}
	urgencyValues   = []string{"Immediate", "Expected", "Future", "Past", "Unknown"}
	severityValues  = []string{"Extreme", "Severe", "Moderate", "Minor", "Unknown"}
	certaintyValues = []string{"Observed", "Likely", "Possible", "Unlikely", "Unknown"}

	dateTimeRE = regexp.MustCompile(`^\d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$`)
	languageRE = regexp.MustCompile(`^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$`)
	htmlRE     = regexp.MustCompile(`(?i)<\s*/?\s*(p|br|div|span|b|i|a|ul|li|table|tr|td|html|body|font|strong|em)\b|&(nbsp|amp|lt|gt|quot|#\d+);`)
	digestRE   = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)
)

// required checks a required element: missing and empty are errors.
func (c *checker) required(m *Meta, path, name, value string) bool {
	if !m.Has(name) && value == "" {
		c.add(RuleRequired, SevError, path, m.Pos, "required element <%s> is missing", name)
		return false
	}
	if strings.TrimSpace(value) == "" {
		c.add(RuleEmpty, SevError, path+"/"+name, m.FieldPos(name, 0), "<%s> is empty", name)
		return false
	}
	return true
}

// enum checks value against allowed; path and pos locate it.
func (c *checker) enum(path string, pos Position, name, value string, allowed []string) {
	if slices.Contains(allowed, value) {
		return
	}
	if t := strings.TrimSpace(value); slices.Contains(allowed, t) {
		c.add(RuleWhitespace, SevError, path, pos, "<%s> %q has white space around the value", name, value)
		return
	}
	if strings.TrimSpace(value) == "" {
		c.add(RuleEmpty, SevError, path, pos, "<%s> is empty", name)
		return
	}
	c.add(RuleEnum, SevError, path, pos, "<%s> %q is not one of %s", name, value, strings.Join(allowed, ", "))
}

func (c *checker) requiredEnum(m *Meta, path, name, value string, allowed []string) {
	if !m.Has(name) && value == "" {
		c.add(RuleRequired, SevError, path, m.Pos, "required element <%s> is missing", name)
		return
	}
	c.enum(path+"/"+name, m.FieldPos(name, 0), name, value, allowed)
}

// dateTime checks an optional date-time and returns it when valid.
func (c *checker) dateTime(m *Meta, path, name, value string) (time.Time, bool) {
	if value == "" && !m.Has(name) {
		return time.Time{}, false
	}
	pos := m.FieldPos(name, 0)
	s := strings.TrimSpace(value)
	if !dateTimeRE.MatchString(s) {
		c.add(RuleDateTime, SevError, path+"/"+name, pos, "<%s> %q is not YYYY-MM-DDThh:mm:ss±hh:mm (no fractions, no Z)", name, value)
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01-02T15:04:05-07:00", s)
	if err != nil {
		c.add(RuleDateTime, SevError, path+"/"+name, pos, "<%s> %q is not a real date-time", name, value)
		return time.Time{}, false
	}
	return t, true
}

func badToken(s string) bool { return strings.ContainsAny(s, " \t\r\n,<&") }

func (c *checker) alert() {
	a, m := c.a, &c.a.Meta
	const p = "alert"
	for _, f := range []struct{ name, value string }{{"identifier", a.Identifier}, {"sender", a.Sender}} {
		if c.required(m, p, f.name, f.value) && badToken(f.value) {
			c.add(RuleIdentifier, SevError, p+"/"+f.name, m.FieldPos(f.name, 0), "<%s> %q must not contain white space, commas, < or &", f.name, f.value)
		}
	}
	if !m.Has("sent") && a.Sent == "" {
		c.add(RuleRequired, SevError, p, m.Pos, "required element <sent> is missing")
	}
	sent, sentOK := c.dateTime(m, p, "sent", a.Sent)
	status := statusValues
	if c.v == V10 {
		status = statusValues[:4]
	}
	c.requiredEnum(m, p, "status", a.Status, status)
	c.requiredEnum(m, p, "msgType", a.MsgType, msgTypeValues)
	c.requiredEnum(m, p, "scope", a.Scope, scopeValues)
	switch a.Scope {
	case "Restricted":
		if strings.TrimSpace(a.Restriction) == "" {
			c.add(RuleScope, SevError, p+"/restriction", m.FieldPos("restriction", 0), "scope Restricted requires a non-empty <restriction>")
		}
	case "Private":
		if strings.TrimSpace(a.Addresses) == "" {
			c.add(RuleScope, SevError, p+"/addresses", m.FieldPos("addresses", 0), "scope Private requires a non-empty <addresses>")
		}
	}
	c.references(m)
	if len(a.Infos) == 0 && a.MsgType == "Alert" && c.v == V12 {
		c.add(RuleProfileInfo, SevInfo, p, m.Pos, "alert has no <info>; public-alert profiles reject this")
	}
	for i := range a.Infos {
		c.info(i, sent, sentOK)
	}
}

func (c *checker) references(m *Meta) {
	a := c.a
	pos := m.FieldPos("references", 0)
	refs := strings.Fields(a.References)
	switch {
	case m.Has("references") && len(refs) == 0:
		c.add(RuleReferences, SevError, "alert/references", pos, "<references> is present but empty")
	case len(refs) == 0 && (a.MsgType == "Update" || a.MsgType == "Cancel" || a.MsgType == "Ack" || a.MsgType == "Error"):
		c.add(RuleReferences, SevWarning, "alert", m.Pos, "msgType %s without <references>", a.MsgType)
	}
	for _, r := range refs {
		parts := strings.Split(r, ",")
		if len(parts) != 3 || parts[0] == "" || parts[1] == "" || !dateTimeRE.MatchString(parts[2]) {
			c.add(RuleReferences, SevError, "alert/references", pos, "reference %q is not sender,identifier,sent", short(r))
		}
	}
}

func (c *checker) info(i int, sent time.Time, sentOK bool) {
	in := &c.a.Infos[i]
	m := &in.Meta
	p := fmt.Sprintf("alert/info[%d]", i)
	if in.Language != "" || m.Has("language") {
		if !languageRE.MatchString(strings.TrimSpace(in.Language)) {
			c.add(RuleLanguage, SevError, p+"/language", m.FieldPos("language", 0), "<language> %q is not an RFC 3066 tag", in.Language)
		}
	}
	if len(in.Categories) == 0 {
		c.add(RuleRequired, SevError, p, m.Pos, "required element <category> is missing")
	}
	for j, cat := range in.Categories {
		c.enum(fmt.Sprintf("%s/category[%d]", p, j), m.FieldPos("category", j), "category", cat, categoryValues)
	}
	c.required(m, p, "event", in.Event)
	resp := responseValues
	if c.v != V12 {
		resp = []string{"Shelter", "Evacuate", "Prepare", "Execute", "Monitor", "Assess", "None"}
	}
	for j, r := range in.ResponseTypes {
		c.enum(fmt.Sprintf("%s/responseType[%d]", p, j), m.FieldPos("responseType", j), "responseType", r, resp)
	}
	c.requiredEnum(m, p, "urgency", in.Urgency, urgencyValues)
	c.requiredEnum(m, p, "severity", in.Severity, severityValues)
	if in.Certainty == "Very Likely" && c.v != V12 {
		c.add(RuleDeprecated, SevWarning, p+"/certainty", m.FieldPos("certainty", 0), "certainty \"Very Likely\" is deprecated; use Likely")
	} else {
		c.requiredEnum(m, p, "certainty", in.Certainty, certaintyValues)
	}
	c.namedValues(p, "eventCode", in.EventCodes)
	eff, effOK := c.dateTime(m, p, "effective", in.Effective)
	ons, onsOK := c.dateTime(m, p, "onset", in.Onset)
	exp, expOK := c.dateTime(m, p, "expires", in.Expires)
	if expOK {
		for _, t := range []struct {
			name string
			at   time.Time
			ok   bool
		}{{"sent", sent, sentOK}, {"effective", eff, effOK}, {"onset", ons, onsOK}} {
			if t.ok && !exp.After(t.at) {
				c.add(RuleTimeOrder, SevWarning, p+"/expires", m.FieldPos("expires", 0), "<expires> %s is not after <%s> %s", in.Expires, t.name, t.at.Format(time.RFC3339))
			}
		}
	}
	for _, f := range []struct{ name, value string }{{"headline", in.Headline}, {"description", in.Description}, {"instruction", in.Instruction}} {
		if htmlRE.MatchString(f.value) {
			c.add(RuleHTML, SevWarning, p+"/"+f.name, m.FieldPos(f.name, 0), "<%s> contains HTML markup or entities; CAP text is plain", f.name)
		}
	}
	if in.Web != "" && !validURI(in.Web) {
		c.add(RuleURI, SevWarning, p+"/web", m.FieldPos("web", 0), "<web> %q is not an absolute URI", short(in.Web))
	}
	c.namedValues(p, "parameter", in.Parameters)
	for j := range in.Resources {
		c.resource(fmt.Sprintf("%s/resource[%d]", p, j), &in.Resources[j])
	}
	for j := range in.Areas {
		c.area(fmt.Sprintf("%s/area[%d]", p, j), &in.Areas[j])
	}
}

func validURI(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	return err == nil && u.Scheme != ""
}

func (c *checker) namedValues(parent, name string, nvs []NamedValue) {
	for j := range nvs {
		nv := &nvs[j]
		p := fmt.Sprintf("%s/%s[%d]", parent, name, j)
		for _, f := range []struct{ name, value string }{{"valueName", nv.ValueName}, {"value", nv.Value}} {
			switch {
			case !nv.Meta.Has(f.name) && f.value == "" && c.v != V10:
				c.add(RuleNamedValue, SevError, p, nv.Meta.Pos, "<%s> lacks <%s>", name, f.name)
			case strings.TrimSpace(f.value) == "":
				c.add(RuleNamedValue, SevWarning, p+"/"+f.name, nv.Meta.FieldPos(f.name, 0), "<%s> of <%s> is empty", f.name, name)
			}
		}
	}
}

func (c *checker) resource(p string, r *Resource) {
	m := &r.Meta
	c.required(m, p, "resourceDesc", r.ResourceDesc)
	if c.v == V12 {
		c.required(m, p, "mimeType", r.MimeType)
	}
	if r.Size != "" || m.Has("size") {
		if n, err := strconv.ParseInt(strings.TrimSpace(r.Size), 10, 64); err != nil || n < 0 {
			c.add(RuleResource, SevError, p+"/size", m.FieldPos("size", 0), "<size> %q is not a non-negative integer", r.Size)
		}
	}
	if r.URI != "" && !validURI(r.URI) && !strings.HasPrefix(strings.TrimSpace(r.URI), "/") {
		c.add(RuleURI, SevWarning, p+"/uri", m.FieldPos("uri", 0), "<uri> %q is neither an absolute URI nor a path", short(r.URI))
	}
	if r.DerefURI != "" {
		if _, err := base64.StdEncoding.DecodeString(stripSpace(r.DerefURI)); err != nil {
			c.add(RuleResource, SevError, p+"/derefUri", m.FieldPos("derefUri", 0), "<derefUri> is not valid base64: %v", err)
		}
	}
	if r.Digest != "" && !digestRE.MatchString(strings.TrimSpace(r.Digest)) {
		c.add(RuleResource, SevWarning, p+"/digest", m.FieldPos("digest", 0), "<digest> %q is not a hex SHA-1 digest", short(r.Digest))
	}
}

func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, s)
}

func (c *checker) area(p string, ar *Area) {
	m := &ar.Meta
	c.required(m, p, "areaDesc", ar.AreaDesc)
	for j, s := range ar.Polygons {
		if strings.TrimSpace(s) == "" {
			c.add(RuleEmpty, SevWarning, fmt.Sprintf("%s/polygon[%d]", p, j), m.FieldPos("polygon", j), "<polygon> is empty")
			continue
		}
		if _, err := ParsePolygon(s); err != nil {
			c.add(RulePolygon, SevError, fmt.Sprintf("%s/polygon[%d]", p, j), m.FieldPos("polygon", j), "%v", err)
		}
	}
	for j, s := range ar.Circles {
		if strings.TrimSpace(s) == "" {
			c.add(RuleEmpty, SevWarning, fmt.Sprintf("%s/circle[%d]", p, j), m.FieldPos("circle", j), "<circle> is empty")
			continue
		}
		if _, err := ParseCircle(s); err != nil {
			c.add(RuleCircle, SevError, fmt.Sprintf("%s/circle[%d]", p, j), m.FieldPos("circle", j), "%v", err)
		}
	}
	c.namedValues(p, "geocode", ar.Geocodes)
	alt, altOK := c.decimal(m, p, "altitude", ar.Altitude)
	ceil, ceilOK := c.decimal(m, p, "ceiling", ar.Ceiling)
	if ceilOK && !m.Has("altitude") && ar.Altitude == "" {
		c.add(RuleAltitude, SevError, p+"/ceiling", m.FieldPos("ceiling", 0), "<ceiling> requires <altitude>")
	}
	if altOK && ceilOK && ceil < alt {
		c.add(RuleAltitude, SevWarning, p+"/ceiling", m.FieldPos("ceiling", 0), "<ceiling> %v is below <altitude> %v", ceil, alt)
	}
}

func (c *checker) decimal(m *Meta, p, name, value string) (float64, bool) {
	if value == "" && !m.Has(name) {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
	if err != nil || strings.ContainsAny(value, "eEnNiI") {
		c.add(RuleAltitude, SevError, p+"/"+name, m.FieldPos(name, 0), "<%s> %q is not a decimal number", name, value)
		return 0, false
	}
	return f, true
}
