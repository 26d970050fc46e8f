package capgeo

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/taawun/taawun/internal/cap"
)

// FeatureCollection converts every area of every info block of a into a
// GeoJSON feature (RFC 7946: longitude first). The geometry is a
// MultiPolygon of the area's polygons and circles (drawn as polygons), or
// null for geocode-only areas. Properties carry the alert identifier, the
// info index, language, event, urgency, severity, certainty, expires,
// headline, areaDesc, circles (centre [lon, lat] and radius_km), geocodes,
// altitude and ceiling.
func FeatureCollection(a *cap.Alert) (*geojson.FeatureCollection, error) {
	fc := geojson.NewFeatureCollection()
	for i := range a.Infos {
		in := &a.Infos[i]
		for j := range in.Areas {
			ar := &in.Areas[j]
			mp, err := AreaGeometry(ar)
			if err != nil {
				return nil, err
			}
			var g orb.Geometry
			if len(mp) > 0 {
				g = mp
			}
			f := geojson.NewFeature(g)
			props := geojson.Properties{
				"identifier": a.Identifier,
				"sender":     a.Sender,
				"sent":       a.Sent,
				"info":       i,
				"area":       j,
				"areaDesc":   ar.AreaDesc,
				"event":      in.Event,
				"urgency":    in.Urgency,
				"severity":   in.Severity,
				"certainty":  in.Certainty,
			}
			optional := map[string]string{"language": in.Language, "expires": in.Expires, "headline": in.Headline, "altitude": ar.Altitude, "ceiling": ar.Ceiling}
			for k, v := range optional {
				if v != "" {
					props[k] = v
				}
			}
			if len(ar.Circles) > 0 {
				var cs []map[string]any
				for _, s := range ar.Circles {
					c, err := cap.ParseCircle(s)
					if err != nil {
						return nil, err
					}
					cs = append(cs, map[string]any{"center": []float64{c.Center.Lon, c.Center.Lat}, "radius_km": c.RadiusKM})
				}
				props["circles"] = cs
			}
			if len(ar.Geocodes) > 0 {
				gcs := make([]map[string]string, len(ar.Geocodes))
				for k, gc := range ar.Geocodes {
					gcs[k] = map[string]string{"valueName": gc.ValueName, "value": gc.Value}
				}
				props["geocodes"] = gcs
			}
			f.Properties = props
			fc.Append(f)
		}
	}
	return fc, nil
}
