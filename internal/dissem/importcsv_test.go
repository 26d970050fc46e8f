package dissem

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/store/sqlstore/sqltest"
)

func TestImportCSVAllOrNothing(t *testing.T) {
	ctx := context.Background()
	db := sqltest.Open(t, sqltest.SQLiteURL(t), "pk-ndma", clock.System{})
	good := "name,language,phone,email,lat,lon,label\n" +
		"Amina,ur,+923001234567,,31.55,74.34,home\n" +
		"Bilal,en,,bilal@example.pk,24.86,67.01,office\n"
	res, err := ImportCSV(ctx, db, strings.NewReader(good), nil)
	if err != nil || res.Imported != 2 || res.Rows != 2 {
		t.Fatalf("good file: %+v, %v", res, err)
	}
	all, _ := db.Recipients().All(ctx)
	if len(all) != 2 || all[0].Locations[0].Label == "" {
		t.Fatalf("stored: %+v", all)
	}

	bad := "name,language,phone,email,lat,lon\n" +
		"Ok,ur,+923001234567,,31.5,74.3\n" +
		"Bad phone,ur,0300-1234567,,31.5,74.3\n" +
		"Bad place,xx,,c@example.pk,200,74.3\n" +
		"\"unterminated,ur,+923001234567,,31,74\n"
	res, err = ImportCSV(ctx, db, strings.NewReader(bad), nil)
	if !errors.Is(err, ErrImportRejected) || res.Imported != 0 || res.ErrorCount != 3 {
		t.Fatalf("bad file: %+v, %v", res, err)
	}
	want := map[string]bool{"3/phone": true, "4/language": true, "4/lat": true}
	for _, e := range res.Errors {
		delete(want, fmt.Sprintf("%d/%s", e.Row, e.Column))
	}
	if len(want) != 0 {
		t.Fatalf("missing errors %v in %+v", want, res.Errors)
	}
	if n, _ := db.Recipients().Count(ctx); n != 2 {
		t.Fatalf("a rejected import left %d recipients (want the 2 from before)", n)
	}
	for _, header := range []string{"name,phon,lat,lon\n", "name,phone\n", ""} {
		if _, err := ImportCSV(ctx, db, strings.NewReader(header), nil); err == nil || errors.Is(err, ErrImportRejected) {
			t.Errorf("header %q: %v", header, err)
		}
	}
}

// generatedCSV streams n valid rows without holding them in memory.
type generatedCSV struct {
	n, i int
	buf  []byte
	// inPunjab keeps every point inside 29.5–31.0 N, 71.0–72.8 E (central Punjab).
	inPunjab bool
}

func (g *generatedCSV) Read(p []byte) (int, error) {
	for len(g.buf) < len(p) && g.i <= g.n {
		if g.i == 0 {
			g.buf = append(g.buf, "name,language,phone,lat,lon\n"...)
		} else {
			lat, lon := 24+float64(g.i%1000)/100, 67+float64(g.i%700)/100
			if g.inPunjab {
				lat, lon = 29.5+float64(g.i%1500)/1000, 71.0+float64(g.i%1800)/1000
			}
			g.buf = fmt.Appendf(g.buf, "r%d,ur,+92300%07d,%.4f,%.4f\n", g.i, g.i, lat, lon)
		}
		g.i++
	}
	if len(g.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, g.buf)
	g.buf = g.buf[n:]
	return n, nil
}

func TestImportCSVStreamsWithProgress(t *testing.T) {
	ctx := context.Background()
	db := sqltest.Open(t, sqltest.SQLiteURL(t), "pk-ndma", clock.System{})
	var calls []int
	res, err := ImportCSV(ctx, db, &generatedCSV{n: 5000}, func(rows int) { calls = append(calls, rows) })
	if err != nil || res.Imported != 5000 {
		t.Fatalf("%+v, %v", res, err)
	}
	if len(calls) < 3 || calls[len(calls)-1] != 5000 {
		t.Fatalf("progress calls %v", calls)
	}
	if n, _ := db.Recipients().Count(ctx); n != 5000 {
		t.Fatalf("%d stored", n)
	}
}

func BenchmarkImportCSV(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		db := sqltest.Open(b, sqltest.SQLiteURL(b), "pk-ndma", clock.System{})
		b.StartTimer()
		if _, err := ImportCSV(ctx, db, &generatedCSV{n: 100_000}, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(100_000*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
