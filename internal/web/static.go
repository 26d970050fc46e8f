package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/taawun/taawun/internal/geodata"
)

//go:embed static
var staticEmbed embed.FS

// staticFiles serves the embedded assets. URLs carry a content hash (?v=) so browsers may cache
// them for a year and still see a new version at once.
type staticFiles struct {
	fsys   fs.FS
	hashes map[string]string
	// gzipped caches compressed copies of text assets: the provinces GeoJSON shrinks from
	// about 2.8 MB to under 0.9 MB, which matters to a district office on a weak link.
	gzipped sync.Map // name → []byte
}

func newStaticFiles() (*staticFiles, error) {
	sub, err := fs.Sub(staticEmbed, "static")
	if err != nil {
		return nil, err
	}
	sf := &staticFiles{fsys: sub, hashes: map[string]string{}}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		sf.hashes[p] = hex.EncodeToString(sum[:6])
		return nil
	})
	return sf, err
}

// url returns the versioned URL of an asset; it panics on an unknown asset so that a template
// naming a missing file fails the tests instead of a page.
func (sf *staticFiles) url(p string) string {
	h, ok := sf.hashes[p]
	if !ok {
		panic("web: unknown static asset " + p)
	}
	return "/static/" + p + "?v=" + h
}

func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	p := r.PathValue("path")
	h, ok := s.static.hashes[p]
	if !ok {
		writeProblem(w, http.StatusNotFound, "no such asset: "+p)
		return
	}
	b, err := fs.ReadFile(s.static.fsys, p)
	if err != nil {
		writeProblem(w, http.StatusNotFound, "no such asset: "+p)
		return
	}
	s.static.serveBytes(w, r, p, h, b)
}

// serveGeo serves the embedded Natural Earth GeoJSON for maps.
func (s *Server) serveGeo(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	name := r.PathValue("file")
	b, err := fs.ReadFile(geodata.FS, name)
	if err != nil || !strings.HasSuffix(name, ".geojson") {
		writeProblem(w, http.StatusNotFound, "no such geography file: "+name)
		return
	}
	sum := sha256.Sum256(b)
	w.Header().Set("Content-Type", "application/geo+json")
	s.static.serveBytes(w, r, name, hex.EncodeToString(sum[:6]), b)
}

// serveBytes answers with b, cacheable by its hash, gzipped when the client accepts it and the
// content is text.
func (sf *staticFiles) serveBytes(w http.ResponseWriter, r *http.Request, name, hash string, b []byte) {
	if w.Header().Get("Content-Type") == "" {
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = "application/octet-stream"
		}
		w.Header().Set("Content-Type", ct)
	}
	etag := `"` + hash + `"`
	w.Header().Set("ETag", etag)
	if r.URL.Query().Get("v") == hash {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Set("Vary", "Accept-Encoding")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if compressible(name) && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		b = sf.gzip(name, b)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

func compressible(name string) bool {
	switch path.Ext(name) {
	case ".js", ".css", ".geojson", ".json", ".svg", ".html", ".txt":
		return true
	}
	return false
}

func (sf *staticFiles) gzip(name string, b []byte) []byte {
	if z, ok := sf.gzipped.Load(name); ok {
		return z.([]byte)
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	sf.gzipped.Store(name, buf.Bytes())
	return buf.Bytes()
}

// favicon answers the browser's own /favicon.ico request with the SVG icon pages link to.
func (s *Server) favicon(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	const name = "img/icon.svg"
	b, err := fs.ReadFile(s.static.fsys, name)
	if err != nil {
		writeProblem(w, http.StatusNotFound, "no icon")
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	s.static.serveBytes(w, r, name, s.static.hashes[name], b)
}
