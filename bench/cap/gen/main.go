// Command gen writes variants of the real CAP 1.2 samples listed in the
// shared MANIFEST.tsv for the validation benchmark: each variant changes
// the identifier, the times, the headline and jitters polygon points, and
// stays valid under the strict profile and the CAP 1.2 schema.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/taawun/taawun/internal/cap"
)

func main() {
	manifest := flag.String("manifest", "", "path of the shared MANIFEST.tsv (required)")
	out := flag.String("out", "", "output folder (created) (required)")
	n := flag.Int("n", 10000, "number of files to write")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if *manifest == "" || *out == "" || *n <= 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*manifest, *out, *n, *seed, log); err != nil {
		log.Error("gen failed", "err", err)
		os.Exit(1)
	}
}

func run(manifest, out string, n int, seed uint64, log *slog.Logger) error {
	samples, err := loadSamples(manifest)
	if err != nil {
		return err
	}
	if len(samples) == 0 {
		return fmt.Errorf("gen: no valid CAP 1.2 sample in %s", manifest)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var total int64
	for i := range n {
		src := samples[i%len(samples)]
		a, err := variant(src, i, rng)
		if err != nil {
			return err
		}
		b, err := cap.EncodeBytes(a)
		if err != nil {
			return fmt.Errorf("gen: encode: %w", err)
		}
		if err := os.WriteFile(filepath.Join(out, fmt.Sprintf("alert-%05d.xml", i)), b, 0o644); err != nil {
			return fmt.Errorf("gen: %w", err)
		}
		total += int64(len(b))
	}
	log.Info("generated", "files", n, "samples", len(samples), "bytes", total, "out", out)
	return nil
}

// variant parses a fresh copy of src and varies it; when jittered
// polygons would cross themselves it keeps the original points.
func variant(src []byte, i int, rng *rand.Rand) (*cap.Alert, error) {
	for _, jitterPolygons := range []bool{true, false} {
		a, err := cap.ParseBytes(src)
		if err != nil {
			return nil, fmt.Errorf("gen: re-parse sample: %w", err)
		}
		mutate(a, i, rng, jitterPolygons)
		if cap.Validate(context.Background(), a, cap.Options{}).Valid() {
			return a, nil
		}
	}
	return nil, fmt.Errorf("gen: variant %d of a sample is invalid", i)
}

// loadSamples returns the CAP 1.2 rows marked valid that our strict
// profile also finds valid.
func loadSamples(manifest string) ([][]byte, error) {
	f, err := os.Open(manifest)
	if err != nil {
		return nil, fmt.Errorf("gen: %w", err)
	}
	defer f.Close()
	dir := filepath.Dir(manifest)
	var out [][]byte
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 3 || cols[1] != "cap" || cols[2] != "valid" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, cols[0]))
		if err != nil {
			return nil, fmt.Errorf("gen: %w", err)
		}
		a, err := cap.ParseBytes(b)
		if err != nil || a.Version != cap.V12 || !cap.Validate(context.Background(), a, cap.Options{}).Valid() {
			continue
		}
		out = append(out, b)
	}
	return out, sc.Err()
}

const layout = "2006-01-02T15:04:05-07:00"

func shift(s string, d time.Duration) string {
	t, err := time.Parse(layout, strings.TrimSpace(s))
	if err != nil {
		return s
	}
	return t.Add(d).Format(layout)
}

func mutate(a *cap.Alert, i int, rng *rand.Rand, jitterPolygons bool) {
	d := time.Duration(i) * time.Minute
	a.Identifier = fmt.Sprintf("%s-v%05d", strings.TrimSpace(a.Identifier), i)
	a.Sent = shift(a.Sent, d)
	for k := range a.Infos {
		in := &a.Infos[k]
		in.Effective, in.Onset, in.Expires = shift(in.Effective, d), shift(in.Onset, d), shift(in.Expires, d)
		if in.Headline != "" {
			in.Headline += fmt.Sprintf(" (variant %d)", i)
		}
		for j := range in.Areas {
			if !jitterPolygons {
				break
			}
			for p, s := range in.Areas[j].Polygons {
				in.Areas[j].Polygons[p] = jitter(s, rng)
			}
		}
	}
}

// jitter moves every polygon vertex by up to 0.001 degrees, keeping the
// ring closed and in range.
func jitter(s string, rng *rand.Rand) string {
	pts, err := cap.ParsePolygon(s)
	if err != nil {
		return s
	}
	var b bytes.Buffer
	for i, p := range pts {
		if i == len(pts)-1 {
			p = pts[0]
		} else {
			p.Lat = clamp(p.Lat+(rng.Float64()-0.5)*0.002, 90)
			p.Lon = clamp(p.Lon+(rng.Float64()-0.5)*0.002, 180)
			pts[i] = p
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatFloat(p.Lat, 'f', 5, 64) + "," + strconv.FormatFloat(p.Lon, 'f', 5, 64))
	}
	return b.String()
}

func clamp(v, lim float64) float64 { return max(-lim, min(lim, v)) }
