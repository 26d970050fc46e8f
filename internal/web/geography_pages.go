package web

import (
	"net/http"

	"github.com/taawun/taawun/internal/store"
)

type geographyData struct {
	Layers []store.GeoLayer
	// PopulationLayer is "grid" or "places"; the counts describe the model in force.
	PopulationLayer string
	Places          int
	Districts       int
	GridCells       int
}

// geographyPage lists the imported layers, says which population layer estimates use, and
// offers the two imports to those who may make them.
func (s *Server) geographyPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	ls, err := s.Store.Geography().Layers(liveGeography(r))
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	m, err := s.Population.Ensure(liveGeography(r), s.Store.Geography())
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	s.render(w, r, rc, http.StatusOK, "geography", pageData{TitleKey: "geography.title", Nav: "geography", Data: geographyData{
		Layers: ls, PopulationLayer: m.Layer(), Places: len(m.Gazetteer().Places()),
		Districts: len(m.Gazetteer().Districts()), GridCells: m.GridCells(),
	}})
}
