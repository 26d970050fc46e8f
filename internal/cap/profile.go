package cap

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Profile names a set of rules on top of the CAP specification.
type Profile string

// The profiles. ProfileStrict (the default) is the CAP specification and
// schema; every other profile adds its own rules to it.
const (
	// ProfileStrict checks the CAP specification and XML schema.
	ProfileStrict Profile = "strict"
	// ProfileGoogle adds the Google Public Alerts requirements: at least
	// one info, public scope, expires, headline, description and a located area.
	ProfileGoogle Profile = "google"
	// ProfileIPAWS adds the IPAWS-OPEN 1.0 profile: code IPAWSv1.0, en-US
	// or es-US, SAME event code and SAME geocodes, expires, polygons of at
	// most 100 points, and an XML signature.
	ProfileIPAWS Profile = "ipaws"
	// ProfileCAPCP adds the Canadian profile CAP-CP 0.4: the profile code,
	// en-CA or fr-CA, a CAP-CP event code, CAP-CP location geocodes, expires.
	ProfileCAPCP Profile = "cap-cp"
	// ProfilePK adds Taawun's Pakistan profile: an English and an Urdu
	// info block, expires and senderName in each, and every area located
	// by polygon, circle or a geocode the gazetteer knows (see
	// GeocodeResolver).
	ProfilePK Profile = "pk"
)

// ErrUnknownProfile is returned by ParseProfile for an unknown name.
var ErrUnknownProfile = errors.New("unknown profile")

// Profiles lists the profile names in a stable order.
func Profiles() []Profile {
	return []Profile{ProfileStrict, ProfileGoogle, ProfileIPAWS, ProfileCAPCP, ProfilePK}
}

// ParseProfile returns the profile called name ("" means strict).
func ParseProfile(name string) (Profile, error) {
	if name == "" {
		return ProfileStrict, nil
	}
	for _, p := range Profiles() {
		if string(p) == strings.ToLower(name) {
			return p, nil
		}
	}
	return "", fmt.Errorf("cap: profile %q (want one of strict, google, ipaws, cap-cp, pk): %w", name, ErrUnknownProfile)
}

// GeocodeResolver tells whether a geocode is known, for profiles that
// require known geocodes (pk). The gazetteer in internal/geo implements it.
type GeocodeResolver interface {
	// KnownGeocode reports whether value is a known code in the scheme
	// named valueName (for example "ISO3166-2", "PK-PBS").
	KnownGeocode(ctx context.Context, valueName, value string) (bool, error)
}

// Options configure Validate.
type Options struct {
	Profile Profile // "" means ProfileStrict
	// Resolver checks geocodes for ProfilePK; nil means geocodes cannot be
	// checked, which is reported as a warning (RuleGeocodeSkip).
	Resolver GeocodeResolver
}
