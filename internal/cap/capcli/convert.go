package capcli

import (
	"encoding/json"
	"fmt"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/capgeo"
)

func runConvert(e *env, args []string) int {
	fs := newFlags(e, "convert", "FILE|-",
		"Convert a CAP message to JSON (the parsed model) or GeoJSON (an RFC 7946\nFeatureCollection of its areas, longitude first). Exit 1 when the input is\nnot a readable CAP message.")
	to := fs.String("to", "json", "output format: json or geojson")
	if code, done := parseFlags(e, fs, args); done {
		return code
	}
	if *to != "json" && *to != "geojson" {
		fmt.Fprintf(e.stderr, "taawun cap convert: --to %q: want json or geojson\n", *to)
		return ExitUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(e.stderr, "taawun cap convert: need exactly one input")
		return ExitUsage
	}
	r, err := e.open(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(e.stderr, "taawun cap convert: %v\n", err)
		return ExitUsage
	}
	defer r.Close()
	a, err := cap.Parse(r)
	if err != nil {
		fmt.Fprintf(e.stderr, "taawun cap convert: %s: %v\n", fs.Arg(0), err)
		return ExitCheck
	}
	var v any = a
	if *to == "geojson" {
		fc, err := capgeo.FeatureCollection(a)
		if err != nil {
			fmt.Fprintf(e.stderr, "taawun cap convert: %s: %v\n", fs.Arg(0), err)
			return ExitCheck
		}
		v = fc
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(e.stderr, "taawun cap convert: %v\n", err)
		return ExitUsage
	}
	return ExitOK
}
