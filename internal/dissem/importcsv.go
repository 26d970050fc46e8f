package dissem

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/taawun/taawun/internal/store"
)

// The columns of a recipients CSV file. name is optional; phone or email (or both) is required;
// lat and lon give the location warnings are targeted at.
var csvColumns = []string{"name", "language", "phone", "email", "lat", "lon", "label"}

// MaxReportedErrors bounds the per-row error report; the total is still counted.
const MaxReportedErrors = 1000

// importBatch is how many rows are written at once.
const importBatch = 2000

var (
	e164     = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	emailish = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// ValidPhone reports whether s is an international (E.164) number such as +923001234567: the
// form SMSCs and aggregators take.
func ValidPhone(s string) bool { return e164.MatchString(s) }

// ValidEmail reports whether s looks like a deliverable e-mail address (local@domain.tld).
func ValidEmail(s string) bool { return emailish.MatchString(s) }

// RowError is one problem of one row of an import.
type RowError struct {
	Row     int    `json:"row"` // 1-based, counting the header as row 1
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

// ImportResult reports an import.
type ImportResult struct {
	Rows     int        `json:"rows"`
	Imported int        `json:"imported"`
	Errors   []RowError `json:"errors"`
	// ErrorCount is the number of rows with errors, including those beyond the report's limit.
	ErrorCount int `json:"error_count"`
}

// ErrImportRejected is returned when any row is invalid: nothing is imported.
var ErrImportRejected = errors.New("dissem: import rejected; nothing was imported")

// ImportCSV reads recipients from a CSV stream and stores them in one transaction: either every
// row is imported or, when any row is invalid, none is and the result lists the problems by row.
// Rows are streamed and written in batches, so memory stays constant whatever the file's size.
// progress, when set, is called every batch with the rows read so far.
func ImportCSV(ctx context.Context, s store.Store, r io.Reader, progress func(rows int)) (ImportResult, error) {
	var res ImportResult
	err := s.WithTx(ctx, func(tx store.Tx) error {
		cr := csv.NewReader(r)
		cr.ReuseRecord = true
		cr.FieldsPerRecord = -1
		header, err := cr.Read()
		if err != nil {
			return fmt.Errorf("dissem: import: reading the header: %w", err)
		}
		col, err := columnIndex(header)
		if err != nil {
			return err
		}
		batch := make([]store.Recipient, 0, importBatch)
		flush := func() error {
			if res.ErrorCount == 0 && len(batch) > 0 {
				if err := tx.Recipients().CreateBatch(ctx, batch); err != nil {
					return err
				}
				res.Imported += len(batch)
			}
			batch = batch[:0]
			if progress != nil {
				progress(res.Rows)
			}
			return ctx.Err()
		}
		for row := 2; ; row++ {
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			res.Rows++
			if err != nil {
				var pe *csv.ParseError
				if !errors.As(err, &pe) {
					return fmt.Errorf("dissem: import: row %d: %w", row, err)
				}
				res.addError(RowError{Row: row, Message: pe.Err.Error()})
				continue
			}
			rcp, rowErrs := parseRow(rec, col, row)
			if len(rowErrs) > 0 {
				res.addError(rowErrs...)
				continue
			}
			batch = append(batch, rcp)
			if len(batch) == importBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		if res.ErrorCount > 0 {
			res.Imported = 0
			return ErrImportRejected
		}
		return tx.Record(ctx, store.Change{Actor: actorOf(ctx), Action: "recipients.imported", EntityType: "recipients", EntityID: "csv",
			After: map[string]int{"rows": res.Rows, "imported": res.Imported}})
	})
	if errors.Is(err, ErrImportRejected) {
		return res, err
	}
	if err != nil {
		res.Imported = 0
	}
	return res, err
}

func (r *ImportResult) addError(es ...RowError) {
	r.ErrorCount++
	for _, e := range es {
		if len(r.Errors) < MaxReportedErrors {
			r.Errors = append(r.Errors, e)
		}
	}
}

// columnIndex maps the known columns to their positions; unknown columns are an error, so that
// a misspelt "phon" column is not silently ignored.
func columnIndex(header []string) (map[string]int, error) {
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !slices.Contains(csvColumns, h) {
			return nil, fmt.Errorf("dissem: import: unknown column %q (known: %s)", h, strings.Join(csvColumns, ", "))
		}
		col[h] = i
	}
	for _, need := range []string{"lat", "lon"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("dissem: import: the header lacks the %q column", need)
		}
	}
	_, phone := col["phone"]
	_, email := col["email"]
	if !phone && !email {
		return nil, errors.New(`dissem: import: the header needs a "phone" or an "email" column`)
	}
	return col, nil
}

func parseRow(rec []string, col map[string]int, row int) (store.Recipient, []RowError) {
	get := func(name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var errs []RowError
	bad := func(column, format string, args ...any) {
		errs = append(errs, RowError{Row: row, Column: column, Message: fmt.Sprintf(format, args...)})
	}
	r := store.Recipient{Name: get("name"), Language: get("language"), Phone: get("phone"), Email: get("email"), Confirmed: true}
	if r.Language != "" && !slices.Contains([]string{"en", "ur", "ru", "zh"}, r.Language) {
		bad("language", "%q is not en, ur, ru or zh", r.Language)
	}
	if r.Phone != "" {
		if !ValidPhone(r.Phone) {
			bad("phone", "%q is not an international number such as +923001234567", r.Phone)
		}
		r.Channels = append(r.Channels, store.ChannelSMS)
	}
	if r.Email != "" {
		if !ValidEmail(r.Email) {
			bad("email", "%q is not an e-mail address", r.Email)
		}
		r.Channels = append(r.Channels, store.ChannelEmail)
	}
	if r.Phone == "" && r.Email == "" {
		bad("", "neither a phone number nor an e-mail address")
	}
	lat, err := strconv.ParseFloat(get("lat"), 64)
	if err != nil || lat < -90 || lat > 90 {
		bad("lat", "%q is not a latitude between -90 and 90", get("lat"))
	}
	lon, err := strconv.ParseFloat(get("lon"), 64)
	if err != nil || lon < -180 || lon > 180 {
		bad("lon", "%q is not a longitude between -180 and 180", get("lon"))
	}
	r.Locations = []store.Location{{Label: get("label"), Lat: lat, Lon: lon}}
	return r, errs
}

type actorKey struct{}

// WithActor names who an import is done by, for the audit log.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

func actorOf(ctx context.Context) string {
	if a, ok := ctx.Value(actorKey{}).(string); ok && a != "" {
		return a
	}
	return "system"
}
