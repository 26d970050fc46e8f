package ops

import (
	"context"
	"errors"
	"fmt"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/store"
)

// Errors callers test for.
var (
	// ErrForbidden: the caller lacks the permission, or the record is not visible to it.
	ErrForbidden = errors.New("ops: not permitted")
	// ErrInvalid: the input is wrong; the message names the field and the problem.
	ErrInvalid = errors.New("ops: invalid input")
	// ErrWrongState: the change is not possible in the record's current state.
	ErrWrongState = errors.New("ops: not possible in the current state")
)

// Service runs emergency operations over a store.
type Service struct {
	Store store.Store
	Clock clock.Clock
	// Areas resolves the area codes of situation reports, imported districts included; nil
	// knows only the built-in countries and provinces.
	Areas geodata.Lookup
	// Picture, when set, answers the live operating picture from memory (COPIndex).
	Picture *COPIndex
}

// New returns a Service.
func New(s store.Store, clk clock.Clock) *Service {
	return &Service{Store: s, Clock: clk}
}

// ViewerOf is what p sees: its own organisation's shares and everything its scope owns.
func ViewerOf(p *auth.Principal) store.Viewer {
	return store.Viewer{OrgID: p.Org.ID, Scope: p.Scope}
}

func need(p *auth.Principal, perm auth.Permission, what string) error {
	if !p.Can(perm) {
		return fmt.Errorf("%w: %s needs the %s permission", ErrForbidden, what, perm)
	}
	return nil
}

func invalid(field, format string, args ...any) error {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// FieldError is an ErrInvalid naming the input field at fault.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return fmt.Sprintf("ops: %s: %s", e.Field, e.Msg) }

// Unwrap makes errors.Is(err, ErrInvalid) hold.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// visible loads a record the principal may see, of the wanted kind; ErrNotFound otherwise
// (an invisible record is as good as absent, so its existence does not leak).
func visible(ctx context.Context, r store.Reader, p *auth.Principal, kind store.OpsKind, id string) (store.OpsRecord, error) {
	rec, err := r.OpsRecords().Get(ctx, id)
	if err != nil {
		return rec, err
	}
	ok, err := r.OpsRecords().Visible(ctx, id, ViewerOf(p))
	if err != nil {
		return rec, err
	}
	if !ok || (kind != "" && rec.Kind != kind) {
		return store.OpsRecord{}, fmt.Errorf("ops: %s %s: %w", kind, id, store.ErrNotFound)
	}
	return rec, nil
}

// record writes the audit entry and event of a change.
func record(ctx context.Context, tx store.Tx, p *auth.Principal, action, entityType, id string, before, after any) error {
	return tx.Record(ctx, store.Change{Actor: p.User.ID, OrgID: p.Org.ID, Action: action, EntityType: entityType, EntityID: id, Before: before, After: after})
}
