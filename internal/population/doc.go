// Package population counts people inside areas from the layer in force:
// an operator-imported population grid when there is one, otherwise the
// GeoNames places of the embedded gazetteer, which count only towns and
// cities and are therefore an urban lower bound.
//
// A Model is an immutable snapshot (gazetteer with the imported districts,
// places, grid cells) safe for concurrent use; Layers holds the current one
// and is swapped whole after an import, so an estimate never sees half of
// an import.
package population
