package cap

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// needsInfo reports whether the profile rules expect info blocks: every
// message except those that only refer to earlier ones.
func (c *checker) needsInfo() bool {
	switch c.a.MsgType {
	case "Cancel", "Ack", "Error":
		return false
	}
	return true
}

func (c *checker) profileInfo(profile string) {
	if len(c.a.Infos) == 0 && c.needsInfo() {
		c.add(RuleProfileInfo, SevError, "alert", c.a.Meta.Pos, "profile %s requires at least one <info>", profile)
	}
}

// profileField reports a missing or empty optional element that the profile requires.
func (c *checker) profileField(profile string, sev Severity, m *Meta, path, name, value string) {
	if strings.TrimSpace(value) == "" {
		c.add(RuleProfileField, sev, path, m.Pos, "profile %s requires a non-empty <%s>", profile, name)
	}
}

func hasNamed(nvs []NamedValue, valueName string) bool {
	return slices.ContainsFunc(nvs, func(nv NamedValue) bool {
		return strings.TrimSpace(nv.ValueName) == valueName && strings.TrimSpace(nv.Value) != ""
	})
}

func (c *checker) forInfos(fn func(p string, in *Info)) {
	for i := range c.a.Infos {
		fn(fmt.Sprintf("alert/info[%d]", i), &c.a.Infos[i])
	}
}

func (c *checker) google() {
	const prof = "google"
	c.profileInfo(prof)
	if c.a.Scope != "Public" && c.a.Scope != "" {
		c.add(RuleProfileValue, SevError, "alert/scope", c.a.Meta.FieldPos("scope", 0), "profile google accepts only scope Public, not %q", c.a.Scope)
	}
	c.forInfos(func(p string, in *Info) {
		c.profileField(prof, SevError, &in.Meta, p, "expires", in.Expires)
		c.profileField(prof, SevError, &in.Meta, p, "headline", in.Headline)
		c.profileField(prof, SevError, &in.Meta, p, "description", in.Description)
		c.profileField(prof, SevWarning, &in.Meta, p, "instruction", in.Instruction)
		c.profileField(prof, SevWarning, &in.Meta, p, "web", in.Web)
		if len(in.Headline) > 160 {
			c.add(RuleProfileValue, SevWarning, p+"/headline", in.Meta.FieldPos("headline", 0), "headline of %d bytes; keep it under 160", len(in.Headline))
		}
		if len(in.Areas) == 0 {
			c.add(RuleProfileArea, SevError, p, in.Meta.Pos, "profile google requires at least one <area>")
		}
		for j := range in.Areas {
			ar := &in.Areas[j]
			if len(ar.Polygons) == 0 && len(ar.Circles) == 0 {
				c.add(RuleProfileArea, SevWarning, fmt.Sprintf("%s/area[%d]", p, j), ar.Meta.Pos, "area has no polygon or circle; geocodes alone may not be mapped")
			}
		}
	})
}

func (c *checker) ipaws() {
	const prof = "ipaws"
	if !slices.Contains(trimAll(c.a.Codes), "IPAWSv1.0") {
		c.add(RuleProfileCode, SevError, "alert", c.a.Meta.Pos, "profile ipaws requires <code>IPAWSv1.0</code>")
	}
	if c.a.Signatures == 0 {
		c.add(RuleSignature, SevError, "alert", c.a.Meta.Pos, "profile ipaws requires an XML signature")
	}
	c.profileInfo(prof)
	c.forInfos(func(p string, in *Info) {
		if l := strings.TrimSpace(in.Language); l != "en-US" && l != "es-US" && l != "" {
			c.add(RuleProfileValue, SevError, p+"/language", in.Meta.FieldPos("language", 0), "profile ipaws accepts language en-US or es-US, not %q", in.Language)
		}
		if !hasNamed(in.EventCodes, "SAME") {
			c.add(RuleProfileCode, SevError, p, in.Meta.Pos, "profile ipaws requires an <eventCode> with valueName SAME")
		}
		c.profileField(prof, SevError, &in.Meta, p, "expires", in.Expires)
		for j := range in.Areas {
			ar := &in.Areas[j]
			ap := fmt.Sprintf("%s/area[%d]", p, j)
			if !hasNamed(ar.Geocodes, "SAME") {
				c.add(RuleProfileCode, SevError, ap, ar.Meta.Pos, "profile ipaws requires a <geocode> with valueName SAME")
			}
			for k, s := range ar.Polygons {
				if n := countFields(s); n > 100 {
					c.add(RuleProfileValue, SevError, fmt.Sprintf("%s/polygon[%d]", ap, k), ar.Meta.FieldPos("polygon", k), "profile ipaws allows at most 100 polygon points, not %d", n)
				}
			}
		}
	})
}

func (c *checker) capcp() {
	const prof = "cap-cp"
	if !slices.ContainsFunc(trimAll(c.a.Codes), func(s string) bool { return strings.HasPrefix(s, "profile:CAP-CP:") }) {
		c.add(RuleProfileCode, SevError, "alert", c.a.Meta.Pos, "profile cap-cp requires <code>profile:CAP-CP:0.4</code>")
	}
	if c.needsInfo() && c.a.MsgType != "Alert" && strings.TrimSpace(c.a.References) == "" {
		c.add(RuleReferences, SevError, "alert", c.a.Meta.Pos, "profile cap-cp requires <references> on msgType %s", c.a.MsgType)
	}
	c.profileInfo(prof)
	c.forInfos(func(p string, in *Info) {
		if l := strings.TrimSpace(in.Language); l != "en-CA" && l != "fr-CA" {
			c.add(RuleProfileValue, SevError, p+"/language", in.Meta.FieldPos("language", 0), "profile cap-cp accepts language en-CA or fr-CA, not %q", in.Language)
		}
		if !slices.ContainsFunc(in.EventCodes, func(nv NamedValue) bool { return strings.HasPrefix(nv.ValueName, "profile:CAP-CP:Event:") }) {
			c.add(RuleProfileCode, SevError, p, in.Meta.Pos, "profile cap-cp requires an <eventCode> with valueName profile:CAP-CP:Event:0.4")
		}
		c.profileField(prof, SevError, &in.Meta, p, "expires", in.Expires)
		for j := range in.Areas {
			ar := &in.Areas[j]
			if !slices.ContainsFunc(ar.Geocodes, func(nv NamedValue) bool { return strings.HasPrefix(nv.ValueName, "profile:CAP-CP:Location:") }) {
				c.add(RuleProfileCode, SevError, fmt.Sprintf("%s/area[%d]", p, j), ar.Meta.Pos, "profile cap-cp requires a <geocode> with valueName profile:CAP-CP:Location:0.3")
			}
		}
	})
}

func (c *checker) pk(ctx context.Context, res GeocodeResolver) {
	const prof = "pk"
	c.profileInfo(prof)
	if c.needsInfo() {
		for _, lang := range []struct{ tag, name string }{{"en", "English"}, {"ur", "Urdu"}} {
			if !slices.ContainsFunc(c.a.Infos, func(in Info) bool { return primaryLanguage(in.Language) == lang.tag }) {
				c.add(RuleProfileValue, SevError, "alert", c.a.Meta.Pos, "profile pk requires an <info> in %s (language %s)", lang.name, lang.tag)
			}
		}
	}
	skipped := false
	c.forInfos(func(p string, in *Info) {
		c.profileField(prof, SevError, &in.Meta, p, "expires", in.Expires)
		c.profileField(prof, SevError, &in.Meta, p, "senderName", in.SenderName)
		if len(in.Areas) == 0 && c.needsInfo() {
			c.add(RuleProfileArea, SevError, p, in.Meta.Pos, "profile pk requires at least one <area>")
		}
		for j := range in.Areas {
			ar := &in.Areas[j]
			ap := fmt.Sprintf("%s/area[%d]", p, j)
			if len(ar.Polygons) == 0 && len(ar.Circles) == 0 && len(ar.Geocodes) == 0 {
				c.add(RuleProfileArea, SevError, ap, ar.Meta.Pos, "profile pk requires a polygon, circle or geocode in every area")
			}
			for k, g := range ar.Geocodes {
				gp := fmt.Sprintf("%s/geocode[%d]", ap, k)
				if res == nil {
					if !skipped {
						c.add(RuleGeocodeSkip, SevWarning, gp, g.Meta.Pos, "geocodes cannot be checked: no gazetteer configured")
						skipped = true
					}
					continue
				}
				ok, err := res.KnownGeocode(ctx, strings.TrimSpace(g.ValueName), strings.TrimSpace(g.Value))
				switch {
				case err != nil:
					c.add(RuleGeocodeSkip, SevWarning, gp, g.Meta.Pos, "geocode %s=%s could not be checked: %v", g.ValueName, g.Value, err)
				case !ok:
					c.add(RuleGeocode, SevError, gp, g.Meta.Pos, "geocode %s=%s is unknown to the gazetteer", g.ValueName, g.Value)
				}
			}
		}
	})
}

// primaryLanguage returns the lower-case primary subtag of an RFC 3066
// tag ("en" for "en-PK"); an absent language means en-US by the schema.
func primaryLanguage(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if tag == "" {
		return "en"
	}
	p, _, _ := strings.Cut(tag, "-")
	return p
}

func trimAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.TrimSpace(s)
	}
	return out
}
