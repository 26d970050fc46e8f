package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/gazetteer"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/population"
	"github.com/taawun/taawun/internal/store"
)

// geographyRoutes: the gazetteer and the operator-imported geography layers.
func (s *Server) geographyRoutes() []route {
	return []route{
		{method: "GET", pattern: "/geography", access: loggedIn, perm: auth.PermViewDashboard, kind: kindPage, handle: s.geographyPage},
		{method: "GET", pattern: "/api/v1/gazetteer", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI,
			summary: "Search places, countries, provinces and districts by name (query q, lang, limit ≤ 100, kind): prefix, case- and diacritics-insensitive, in en, ur, ru, zh", tag: "geography", respSchema: "GazetteerResults", handle: s.apiGazetteerSearch},
		{method: "GET", pattern: "/api/v1/gazetteer/reverse", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI,
			summary: "The country, province and district containing a point (query lat, lon) and the nearest place", tag: "geography", respSchema: "ReverseGeocode", handle: s.apiGazetteerReverse},
		{method: "GET", pattern: "/api/v1/geography/layers", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI,
			summary: "The imported geography layers and the population layer estimates use", tag: "geography", respSchema: "GeographyLayers", handle: s.apiGeographyLayers},
		{method: "POST", pattern: "/api/v1/geography/districts", access: loggedIn, perm: auth.PermManageGeography, kind: kindAPI, maxBody: population.MaxDistrictsBytes,
			summary: "Import district boundaries: a GeoJSON FeatureCollection (application/geo+json) of Polygon/MultiPolygon features; query name (layer), source, code_property, name_property, province_property. All features or none; replaces the layer of the same name", tag: "geography", respSchema: "GeographyImport", handle: s.apiImportDistricts},
		{method: "POST", pattern: "/api/v1/geography/population", access: loggedIn, perm: auth.PermManageGeography, kind: kindAPI, maxBody: population.MaxGridBytes,
			summary: "Import a population grid: CSV (text/csv) with columns lat, lon, population; query name (layer), source. All rows or none; replaces the layer of the same name", tag: "geography", respSchema: "GeographyImport", handle: s.apiImportPopulation},
		{method: "DELETE", pattern: "/api/v1/geography/layers/{id}", access: loggedIn, perm: auth.PermManageGeography, kind: kindAPI,
			summary: "Remove an imported layer; estimates stop using it at once", tag: "geography", handle: s.apiDeleteLayer},
	}
}

var (
	geoNum       = map[string]any{"type": "number"}
	gazetteerRef = object([]string{"kind", "code"}, map[string]any{
		"kind": map[string]any{"type": "string", "enum": []string{"country", "province", "district", "place"}},
		"code": str, "names": strMap, "country": str, "province": str, "lat": geoNum, "lon": geoNum, "population": geoNum})
)

var geographySchemas = map[string]any{
	"GazetteerResults": object([]string{"results"}, map[string]any{"results": map[string]any{"type": "array", "items": ref("GazetteerMatch")}}),
	"GazetteerMatch": object([]string{"kind", "code", "name"}, map[string]any{
		"kind": str, "code": str, "name": str, "lang": str, "exact": map[string]any{"type": "boolean"}, "names": strMap,
		"country": str, "province": str, "lat": geoNum, "lon": geoNum, "population": geoNum}),
	"GazetteerEntry": gazetteerRef,
	"ReverseGeocode": object([]string{"lat", "lon"}, map[string]any{
		"lat": geoNum, "lon": geoNum, "country": ref("GazetteerEntry"), "province": ref("GazetteerEntry"), "district": ref("GazetteerEntry"),
		"nearest": ref("GazetteerEntry"), "distance_km": geoNum}),
	"GeographyLayer": object([]string{"id", "kind", "name", "features"}, map[string]any{
		"id": str, "kind": map[string]any{"type": "string", "enum": []string{"districts", "population"}}, "name": str, "source": str,
		"features": geoNum, "population": geoNum, "imported_by": str, "mode": str, "created_at": map[string]any{"type": "string", "format": "date-time"}}),
	"GeographyLayers": object([]string{"layers", "population_layer"}, map[string]any{
		"layers":           map[string]any{"type": "array", "items": ref("GeographyLayer")},
		"population_layer": map[string]any{"type": "string", "enum": []string{"grid", "places"}, "description": "places: GeoNames towns and cities only, an urban lower bound"},
		"places":           geoNum, "districts": geoNum, "grid_cells": geoNum}),
	"GeographyImport": object([]string{"layer"}, map[string]any{"layer": ref("GeographyLayer"), "replaced": str}),
}

type gazetteerMatch struct {
	gazetteerEntry
	Name  string `json:"name"`
	Lang  string `json:"lang"`
	Exact bool   `json:"exact"`
}

type gazetteerEntry struct {
	Kind       gazetteer.Kind    `json:"kind"`
	Code       string            `json:"code"`
	Names      map[string]string `json:"names,omitempty"`
	Country    string            `json:"country,omitempty"`
	Province   string            `json:"province,omitempty"`
	Lat        float64           `json:"lat"`
	Lon        float64           `json:"lon"`
	Population int64             `json:"population"`
}

func entryJSON(e *gazetteer.Entry) *gazetteerEntry {
	if e == nil {
		return nil
	}
	return &gazetteerEntry{Kind: e.Kind, Code: e.Code, Names: e.Names, Country: e.Country, Province: e.Province, Lat: e.Lat, Lon: e.Lon, Population: e.Population}
}

// liveGeography is the context the shared model is loaded in: geography layers are reference
// data of live operations (exercises read them too, and cannot import).
func liveGeography(r *http.Request) context.Context { return mode.With(r.Context(), mode.Live) }

// populationModel returns the model in force, loading it on first use.
func (s *Server) populationModel(w http.ResponseWriter, r *http.Request) (*population.Model, bool) {
	m, err := s.Population.Ensure(liveGeography(r), s.Store.Geography())
	if err != nil {
		s.apiInternal(w, r, err)
		return nil, false
	}
	return m, true
}

func (s *Server) apiGazetteerSearch(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	q := r.URL.Query()
	if len(q.Get("q")) > 200 {
		writeProblemField(w, http.StatusUnprocessableEntity, "q is longer than 200 bytes", "q")
		return
	}
	limit := 10
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > gazetteer.MaxResults {
			writeProblemField(w, http.StatusUnprocessableEntity, "limit must be a whole number from 1 to 100", "limit")
			return
		}
		limit = n
	}
	var kinds []gazetteer.Kind
	for _, k := range q["kind"] {
		switch kind := gazetteer.Kind(k); kind {
		case gazetteer.KindCountry, gazetteer.KindProvince, gazetteer.KindDistrict, gazetteer.KindPlace:
			kinds = append(kinds, kind)
		default:
			writeProblemField(w, http.StatusUnprocessableEntity, "kind must be country, province, district or place", "kind")
			return
		}
	}
	lang := q.Get("lang")
	if lang == "" {
		lang = string(rc.Lang)
	}
	m, ok := s.populationModel(w, r)
	if !ok {
		return
	}
	out := []gazetteerMatch{}
	for _, x := range m.Gazetteer().Search(q.Get("q"), lang, limit, kinds...) {
		out = append(out, gazetteerMatch{gazetteerEntry: *entryJSON(x.Entry), Name: x.Name, Lang: x.Lang, Exact: x.Exact})
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": out})
}

func (s *Server) apiGazetteerReverse(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	lat, errLat := strconv.ParseFloat(r.URL.Query().Get("lat"), 64)
	lon, errLon := strconv.ParseFloat(r.URL.Query().Get("lon"), 64)
	if errLat != nil || !(lat >= -90 && lat <= 90) {
		writeProblemField(w, http.StatusUnprocessableEntity, "lat must be a latitude in degrees, -90 to 90", "lat")
		return
	}
	if errLon != nil || !(lon >= -180 && lon <= 180) {
		writeProblemField(w, http.StatusUnprocessableEntity, "lon must be a longitude in degrees, -180 to 180", "lon")
		return
	}
	m, ok := s.populationModel(w, r)
	if !ok {
		return
	}
	loc := m.Gazetteer().Reverse(lat, lon)
	writeJSON(w, http.StatusOK, map[string]any{
		"lat": lat, "lon": lon, "country": entryJSON(loc.Country), "province": entryJSON(loc.Province),
		"district": entryJSON(loc.District), "nearest": entryJSON(loc.Nearest), "distance_km": loc.DistanceKm,
	})
}

type layerJSON struct {
	ID         string             `json:"id"`
	Kind       store.GeoLayerKind `json:"kind"`
	Name       string             `json:"name"`
	Source     string             `json:"source"`
	Features   int                `json:"features"`
	Population float64            `json:"population"`
	ImportedBy string             `json:"imported_by"`
	Mode       string             `json:"mode"`
	CreatedAt  string             `json:"created_at"`
}

func toLayerJSON(l store.GeoLayer) layerJSON {
	return layerJSON{ID: l.ID, Kind: l.Kind, Name: l.Name, Source: l.Source, Features: l.Features, Population: l.Population,
		ImportedBy: l.ImportedBy, Mode: l.Mode.String(), CreatedAt: l.CreatedAt.Format("2006-01-02T15:04:05Z07:00")}
}

func (s *Server) apiGeographyLayers(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	ls, err := s.Store.Geography().Layers(liveGeography(r))
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	m, ok := s.populationModel(w, r)
	if !ok {
		return
	}
	out := make([]layerJSON, len(ls))
	for i, l := range ls {
		out[i] = toLayerJSON(l)
	}
	writeJSON(w, http.StatusOK, map[string]any{"layers": out, "population_layer": m.Layer(),
		"places": len(m.Gazetteer().Places()), "districts": len(m.Gazetteer().Districts()), "grid_cells": m.GridCells()})
}

func (s *Server) apiImportDistricts(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/geo+json") && !strings.HasPrefix(ct, "application/json") {
		writeProblem(w, http.StatusUnsupportedMediaType, "send the file as application/geo+json")
		return
	}
	q := r.URL.Query()
	ds, err := population.ParseDistricts(r.Body, population.DistrictKeys{Code: q.Get("code_property"), Name: q.Get("name_property"), Province: q.Get("province_property")})
	if err != nil {
		s.importFailed(w, r, err)
		return
	}
	s.importLayer(w, r, rc, store.GeoLayer{Kind: store.GeoDistricts}, ds, nil)
}

func (s *Server) apiImportPopulation(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		writeProblem(w, http.StatusUnsupportedMediaType, "send the file as text/csv")
		return
	}
	cells, err := population.ParseGrid(r.Body)
	if err != nil {
		s.importFailed(w, r, err)
		return
	}
	s.importLayer(w, r, rc, store.GeoLayer{Kind: store.GeoPopulation}, nil, cells)
}

// importFailed answers a parse failure: the per-row errors when there are any.
func (s *Server) importFailed(w http.ResponseWriter, r *http.Request, err error) {
	var ie *population.ImportError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &ie):
		writeJSONStatus(w, http.StatusUnprocessableEntity, map[string]any{
			"type": "about:blank", "title": "Unprocessable Entity", "status": 422,
			"detail": "nothing was imported: " + strconv.Itoa(ie.Total) + " errors", "errors": ie.Errors, "error_count": ie.Total,
		}, "application/problem+json")
	case errors.As(err, &tooBig):
		writeProblem(w, http.StatusRequestEntityTooLarge, "file larger than the import limit; nothing was imported")
	case errors.Is(err, population.ErrInvalidImport):
		writeProblem(w, http.StatusUnprocessableEntity, strings.TrimPrefix(err.Error(), population.ErrInvalidImport.Error()+": ")+"; nothing was imported")
	default:
		s.apiInternal(w, r, err)
	}
}

// errExerciseGeography refuses layer changes outside live operations: the layers are shared
// reference data, and an exercise must not change live estimates.
var errExerciseGeography = errors.New("geography layers are changed in live operations only")

// changeGeography makes one change to the layers in a transaction with its audit record, then
// puts the new population model in force. The caller answers the error.
func (s *Server) changeGeography(ctx context.Context, rc *reqCtx, change func(store.Tx) (store.Change, error)) error {
	if !mode.From(ctx).IsLive() {
		return errExerciseGeography
	}
	err := s.Store.WithTx(ctx, func(tx store.Tx) error {
		c, err := change(tx)
		if err != nil {
			return err
		}
		c.Actor, c.OrgID, c.EntityType = rc.P.User.ID, rc.P.Org.ID, "geo_layer"
		return tx.Record(ctx, c)
	})
	if err != nil {
		return err
	}
	// This server sees the new districts at once; others within the lookup's refresh.
	s.Regions.Forget()
	_, err = s.Population.Reload(ctx, s.Store.Geography())
	return err
}

// importLayer stores a parsed layer, replacing the layer of the same name.
func (s *Server) importLayer(w http.ResponseWriter, r *http.Request, rc *reqCtx, l store.GeoLayer, ds []store.District, cells []store.PopulationCell) {
	q := r.URL.Query()
	l.Name, l.Source, l.ImportedBy = strings.TrimSpace(q.Get("name")), strings.TrimSpace(q.Get("source")), rc.P.User.ID
	if l.Name == "" || len(l.Name) > 200 || len(l.Source) > 500 {
		writeProblemField(w, http.StatusUnprocessableEntity, "name (the layer's name, at most 200 bytes) is required; source at most 500 bytes", "name")
		return
	}
	var replaced string
	err := s.changeGeography(r.Context(), rc, func(tx store.Tx) (store.Change, error) {
		var err error
		replaced, err = tx.Geography().ReplaceLayer(r.Context(), &l, ds, cells)
		return store.Change{Action: "geography.imported", EntityID: l.ID,
			After: map[string]any{"kind": l.Kind, "name": l.Name, "source": l.Source, "features": l.Features, "population": l.Population, "replaced": replaced}}, err
	})
	switch {
	case errors.Is(err, errExerciseGeography):
		writeProblem(w, http.StatusConflict, err.Error()+"; nothing was imported")
	case errors.Is(err, store.ErrConflict):
		writeProblem(w, http.StatusConflict, "a district code of this file is already used by another layer; nothing was imported")
	case errors.Is(err, store.ErrInvalidRecord):
		writeProblem(w, http.StatusUnprocessableEntity, "the layer is invalid; nothing was imported")
	case err != nil:
		s.apiInternal(w, r, err)
	default:
		writeJSON(w, http.StatusCreated, map[string]any{"layer": toLayerJSON(l), "replaced": replaced})
	}
}

func (s *Server) apiDeleteLayer(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	id := r.PathValue("id")
	err := s.changeGeography(r.Context(), rc, func(tx store.Tx) (store.Change, error) {
		return store.Change{Action: "geography.deleted", EntityID: id}, tx.Geography().DeleteLayer(r.Context(), id)
	})
	switch {
	case errors.Is(err, errExerciseGeography):
		writeProblem(w, http.StatusConflict, err.Error())
	case errors.Is(err, store.ErrNotFound):
		writeProblem(w, http.StatusNotFound, "no such layer")
	case err != nil:
		s.apiInternal(w, r, err)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}
