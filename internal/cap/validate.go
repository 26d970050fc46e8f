package cap

import (
	"context"
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
	// polygons holds the verdicts on the polygons met so far: a message
	// repeats its areas in every language's info, and each polygon is
	// parsed and swept once.
	polygons map[string]polygonVerdict
}

// polygonVerdict is what area finds of one polygon: why it does not
// parse, or which of its edges cross.
type polygonVerdict struct {
	err     error
	i, k    int
	crossed bool
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

	mimeRE   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(\s*;.*)?$`)
	htmlRE   = regexp.MustCompile(`(?i)<\s*/?\s*(p|br|div|span|b|i|a|ul|li|table|tr|td|html|body|font|strong|em)\b|&(nbsp|amp|lt|gt|quot|#\d+);`)
	digestRE = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)
)

// dateTimeForm is the shape of a CAP date-time: d is a digit, + is '+'
// or '-'; every other byte stands for itself.
const dateTimeForm = "dddd-dd-ddTdd:dd:dd+dd:dd"

// isDateTimeForm reports whether s has the form YYYY-MM-DDThh:mm:ss±hh:mm
// (ASCII digits, nothing before or after); whether the numbers make a
// real date-time is for parseDateTime.
func isDateTimeForm(s string) bool {
	if len(s) != len(dateTimeForm) {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; dateTimeForm[i] {
		case 'd':
			if c < '0' || c > '9' {
				return false
			}
		case '+':
			if c != '+' && c != '-' {
				return false
			}
		default:
			if c != dateTimeForm[i] {
				return false
			}
		}
	}
	return true
}

// isLanguageTag reports whether s is an RFC 3066 language tag: 1 to 8
// ASCII letters, then any number of "-" and 1 to 8 letters or digits.
func isLanguageTag(s string) bool {
	first := true
	for part := range strings.SplitSeq(s, "-") {
		if len(part) < 1 || len(part) > 8 {
			return false
		}
		for i := 0; i < len(part); i++ {
			c := part[i]
			letter := 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z'
			if !letter && (first || c < '0' || c > '9') {
				return false
			}
		}
		first = false
	}
	return true
}

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
	if !slices.Contains(allowed, value) {
		c.enum(path+"/"+name, m.FieldPos(name, 0), name, value, allowed)
	}
}

// dateTime checks an optional date-time and returns it when valid.
func (c *checker) dateTime(m *Meta, path, name, value string) (time.Time, bool) {
	if value == "" && !m.Has(name) {
		return time.Time{}, false
	}
	pos := m.FieldPos(name, 0)
	s := strings.TrimSpace(value)
	if !isDateTimeForm(s) {
		c.add(RuleDateTime, SevError, path+"/"+name, pos, "<%s> %q is not YYYY-MM-DDThh:mm:ss±hh:mm (no fractions, no Z)", name, value)
		return time.Time{}, false
	}
	t, ok := parseDateTime(s)
	if !ok {
		c.add(RuleDateTime, SevError, path+"/"+name, pos, "<%s> %q is not a real date-time", name, value)
		return time.Time{}, false
	}
	return t, true
}

// parseDateTime returns the instant a string of dateTimeForm names. It
// refuses exactly what time.Parse refuses for that form (a month, day,
// hour, minute or second out of range, a zone offset over 24 hours or 60
// minutes) without parsing a layout each time.
func parseDateTime(s string) (time.Time, bool) {
	num := func(i int) int { return int(s[i]-'0')*10 + int(s[i+1]-'0') }
	year, month, day := num(0)*100+num(2), num(5), num(8)
	hour, minute, sec := num(11), num(14), num(17)
	zoneHour, zoneMin := num(20), num(23)
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) ||
		hour > 23 || minute > 59 || sec > 59 || zoneHour > 24 || zoneMin > 60 {
		return time.Time{}, false
	}
	offset := time.Duration(zoneHour*60+zoneMin) * time.Minute
	if s[19] == '-' {
		offset = -offset
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC).Add(-offset), true
}

// daysIn returns the number of days in month (1–12) of the Gregorian year.
func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
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
	if a.Scope != "Restricted" && strings.TrimSpace(a.Restriction) != "" {
		c.add(RuleScope, SevError, p+"/restriction", m.FieldPos("restriction", 0), "<restriction> is only for scope Restricted, not %q", a.Scope)
	}
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
	c.consistency()
}

// consistency checks that info blocks, which are translations of one
// another, agree on categories and event codes.
func (c *checker) consistency() {
	if len(c.a.Infos) < 2 {
		return
	}
	key := func(in *Info) (string, string) {
		cats := slices.Clone(in.Categories)
		slices.Sort(cats)
		var codes []string
		for _, ec := range in.EventCodes {
			codes = append(codes, strings.TrimSpace(ec.ValueName)+"="+strings.TrimSpace(ec.Value))
		}
		slices.Sort(codes)
		return strings.Join(cats, ","), strings.Join(codes, ",")
	}
	cats0, codes0 := key(&c.a.Infos[0])
	for i := 1; i < len(c.a.Infos); i++ {
		in := &c.a.Infos[i]
		cats, codes := key(in)
		if cats != cats0 {
			c.add(RuleConsistency, SevError, fmt.Sprintf("alert/info[%d]", i), in.Meta.Pos, "categories %q differ from the first info's %q", cats, cats0)
		}
		if codes != codes0 {
			c.add(RuleConsistency, SevError, fmt.Sprintf("alert/info[%d]", i), in.Meta.Pos, "event codes %q differ from the first info's %q", codes, codes0)
		}
	}
}

func (c *checker) references(m *Meta) {
	a := c.a
	pos := m.FieldPos("references", 0)
	refs := strings.Fields(a.References)
	switch {
	case m.Has("references") && len(refs) == 0:
		c.add(RuleReferences, SevError, "alert/references", pos, "<references> is present but empty")
	case len(refs) == 0 && (a.MsgType == "Update" || a.MsgType == "Cancel"):
		c.add(RuleReferences, SevError, "alert", m.Pos, "msgType %s must reference the earlier message(s) in <references>", a.MsgType)
	case len(refs) == 0 && (a.MsgType == "Ack" || a.MsgType == "Error"):
		c.add(RuleReferences, SevWarning, "alert", m.Pos, "msgType %s without <references>", a.MsgType)
	}
	for _, r := range refs {
		parts := strings.Split(r, ",")
		if len(parts) != 3 || parts[0] == "" || parts[1] == "" || !isDateTimeForm(parts[2]) {
			c.add(RuleReferences, SevError, "alert/references", pos, "reference %q is not sender,identifier,sent", short(r))
			continue
		}
		if parts[0] == strings.TrimSpace(a.Sender) && parts[1] == strings.TrimSpace(a.Identifier) {
			c.add(RuleReferences, SevError, "alert/references", pos, "reference %q refers to this message itself", short(r))
		}
	}
}

func (c *checker) info(i int, sent time.Time, sentOK bool) {
	in := &c.a.Infos[i]
	m := &in.Meta
	p := elemPath{parent: "alert", name: "info", index: i}.String()
	if in.Language != "" || m.Has("language") {
		if !isLanguageTag(strings.TrimSpace(in.Language)) {
			c.add(RuleLanguage, SevError, p+"/language", m.FieldPos("language", 0), "<language> %q is not an RFC 3066 tag", in.Language)
		}
	}
	if len(in.Categories) == 0 {
		c.add(RuleRequired, SevError, p, m.Pos, "required element <category> is missing")
	}
	for j, cat := range in.Categories {
		if !slices.Contains(categoryValues, cat) {
			c.enum(fmt.Sprintf("%s/category[%d]", p, j), m.FieldPos("category", j), "category", cat, categoryValues)
		}
	}
	c.required(m, p, "event", in.Event)
	resp := responseValues
	if c.v != V12 {
		resp = []string{"Shelter", "Evacuate", "Prepare", "Execute", "Monitor", "Assess", "None"}
	}
	for j, r := range in.ResponseTypes {
		if !slices.Contains(resp, r) {
			c.enum(fmt.Sprintf("%s/responseType[%d]", p, j), m.FieldPos("responseType", j), "responseType", r, resp)
		}
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
		ep := m.FieldPos("expires", 0)
		switch {
		case sentOK && exp.Before(sent):
			c.add(RuleTimeOrder, SevError, p+"/expires", ep, "<expires> %s is before <sent> %s", in.Expires, c.a.Sent)
		case sentOK && exp.Equal(sent):
			c.add(RuleTimeOrder, SevWarning, p+"/expires", ep, "<expires> %s equals <sent>: the alert is expired when sent", in.Expires)
		}
		if effOK && eff.After(exp) {
			c.add(RuleTimeOrder, SevError, p+"/expires", ep, "<effective> %s is after <expires> %s", in.Effective, in.Expires)
		}
		if onsOK && !exp.After(ons) {
			c.add(RuleTimeOrder, SevWarning, p+"/expires", ep, "<expires> %s is not after <onset> %s", in.Expires, in.Onset)
		}
	}
	for _, f := range []struct{ name, value string }{{"headline", in.Headline}, {"description", in.Description}, {"instruction", in.Instruction}} {
		// Two byte searches are strings.ContainsAny(f.value, "<&") for ASCII "<&", and much
		// faster over long texts in other scripts.
		if (strings.IndexByte(f.value, '<') >= 0 || strings.IndexByte(f.value, '&') >= 0) && htmlRE.MatchString(f.value) {
			c.add(RuleHTML, SevWarning, p+"/"+f.name, m.FieldPos(f.name, 0), "<%s> contains HTML markup or entities; CAP text is plain", f.name)
		}
	}
	if in.Web != "" && !validURI(in.Web) {
		c.add(RuleURI, SevWarning, p+"/web", m.FieldPos("web", 0), "<web> %q is not an absolute URI", short(in.Web))
	}
	c.namedValues(p, "parameter", in.Parameters)
	for j := range in.Resources {
		c.resource(elemPath{parent: p, name: "resource", index: j}.String(), &in.Resources[j])
	}
	for j := range in.Areas {
		c.area(elemPath{parent: p, name: "area", index: j}.String(), &in.Areas[j])
	}
}

func validURI(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	return err == nil && u.Scheme != ""
}

func (c *checker) namedValues(parent, name string, nvs []NamedValue) {
	for j := range nvs {
		nv := &nvs[j]
		for _, f := range [2]struct{ name, value string }{{"valueName", nv.ValueName}, {"value", nv.Value}} {
			if strings.TrimSpace(f.value) != "" {
				continue
			}
			p := elemPath{parent: parent, name: name, index: j}.String()
			if !nv.Meta.Has(f.name) && f.value == "" && c.v != V10 {
				c.add(RuleNamedValue, SevError, p, nv.Meta.Pos, "<%s> lacks <%s>", name, f.name)
			} else {
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
	if mt := strings.TrimSpace(r.MimeType); mt != "" && !mimeRE.MatchString(mt) {
		c.add(RuleMIME, SevError, p+"/mimeType", m.FieldPos("mimeType", 0), "<mimeType> %q is not a type/subtype media type", short(r.MimeType))
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
		if err := checkBase64(r.DerefURI); err != nil {
			c.add(RuleResource, SevError, p+"/derefUri", m.FieldPos("derefUri", 0), "<derefUri> is not valid base64: %v", err)
		} else {
			c.derefConsistent(p, r)
		}
	}
	if r.Digest != "" && !digestRE.MatchString(strings.TrimSpace(r.Digest)) {
		c.add(RuleResource, SevWarning, p+"/digest", m.FieldPos("digest", 0), "<digest> %q is not a hex SHA-1 digest", short(r.Digest))
	}
}

// base64Class classifies bytes for checkBase64: 1 alphabet, 2 padding,
// 3 white space, 0 anything else. It is a constant table.
var base64Class = func() (t [256]uint8) {
	for _, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/" {
		t[c] = 1
	}
	t['='] = 2
	for _, c := range " \t\r\n" {
		t[c] = 3
	}
	return t
}()

// base64Weight is 1 for the bytes of the base64 alphabet, 0 for white
// space and 0x80 for everything else (padding, stray bytes): the sum of
// eight weights is below 0x80 when the eight bytes are alphabet or white
// space, and then counts the alphabet bytes.
var base64Weight = func() (t [256]int) {
	for b, class := range base64Class {
		switch class {
		case 1:
			t[b] = 1
		case 3:
			t[b] = 0
		default:
			t[b] = 0x80
		}
	}
	return t
}()

// checkBase64 checks standard base64 (white space allowed anywhere)
// without decoding or allocating: large embedded media is common.
func checkBase64(s string) error {
	n, pad := 0, 0
	for i := 0; i < len(s); {
		// The bulk of the text, line ends included, eight bytes at a
		// time; byte by byte around padding and errors.
		if pad == 0 && i+8 <= len(s) {
			w := s[i : i+8]
			sum := base64Weight[w[0]] + base64Weight[w[1]] + base64Weight[w[2]] + base64Weight[w[3]] +
				base64Weight[w[4]] + base64Weight[w[5]] + base64Weight[w[6]] + base64Weight[w[7]]
			if sum < 0x80 {
				i += 8
				n += sum
				continue
			}
		}
		switch base64Class[s[i]] {
		case 1:
			if pad > 0 {
				return fmt.Errorf("data after padding at byte %d", i)
			}
		case 2:
			pad++
			if pad > 2 {
				return fmt.Errorf("too much padding at byte %d", i)
			}
		case 3:
			i++
			continue
		default:
			return fmt.Errorf("illegal character %q at byte %d", s[i], i)
		}
		n++
		i++
	}
	if n%4 != 0 {
		return fmt.Errorf("length %d is not a multiple of 4", n)
	}
	return nil
}

func (c *checker) area(p string, ar *Area) {
	m := &ar.Meta
	c.required(m, p, "areaDesc", ar.AreaDesc)
	for j, s := range ar.Polygons {
		if strings.TrimSpace(s) == "" {
			c.add(RuleEmpty, SevWarning, fmt.Sprintf("%s/polygon[%d]", p, j), m.FieldPos("polygon", j), "<polygon> is empty")
			continue
		}
		v := c.polygon(s)
		if v.err != nil {
			c.add(RulePolygon, SevError, fmt.Sprintf("%s/polygon[%d]", p, j), m.FieldPos("polygon", j), "%v", v.err)
			continue
		}
		if v.crossed {
			c.add(RuleSelfCross, SevError, fmt.Sprintf("%s/polygon[%d]", p, j), m.FieldPos("polygon", j), "polygon edges %d and %d cross", v.i, v.k)
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

// polygon parses s and looks for crossing edges, once per message.
func (c *checker) polygon(s string) polygonVerdict {
	if v, ok := c.polygons[s]; ok {
		return v
	}
	var v polygonVerdict
	pts, err := ParsePolygon(s)
	if err != nil {
		v.err = err
	} else {
		v.i, v.k, v.crossed = SelfIntersection(pts)
	}
	if c.polygons == nil {
		c.polygons = map[string]polygonVerdict{}
	}
	c.polygons[s] = v
	return v
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
