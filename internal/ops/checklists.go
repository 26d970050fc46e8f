package ops

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"time"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/store"
)

//go:embed checklists/*.json
var checklistFiles embed.FS

// Checklist is a standard operating procedure for a family of hazards: steps that become tasks.
type Checklist struct {
	Code    string            `json:"code"`
	Hazards []string          `json:"hazards"`
	Title   map[string]string `json:"title"`
	Steps   []Step            `json:"steps"`
}

// Step is one checklist step, due a number of hours after it is applied.
type Step struct {
	Key      string            `json:"key"`
	DueHours int               `json:"due_hours"`
	Title    map[string]string `json:"title"`
}

// Checklists returns the embedded checklists by code.
func Checklists() ([]Checklist, error) {
	files, err := fs.Glob(checklistFiles, "checklists/*.json")
	if err != nil {
		return nil, err
	}
	var out []Checklist
	for _, f := range files {
		b, err := fs.ReadFile(checklistFiles, f)
		if err != nil {
			return nil, err
		}
		var c Checklist
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("ops: checklist %s: %w", f, err)
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

// ApplyChecklist turns a checklist's steps into tasks of an incident, assigned to one
// organisation and due from now. The checklist must fit the incident's hazard.
func (s *Service) ApplyChecklist(ctx context.Context, p *auth.Principal, incidentID, code, assigneeOrg, lang string) ([]store.OpsRecord, error) {
	if err := need(p, auth.PermOperate, "applying a checklist"); err != nil {
		return nil, err
	}
	lists, err := Checklists()
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(lists, func(c Checklist) bool { return c.Code == code })
	if i < 0 {
		return nil, invalid("checklist", "unknown checklist %q", code)
	}
	c := lists[i]
	inc, err := s.Get(ctx, p, store.OpsIncident, incidentID)
	if err != nil {
		return nil, err
	}
	d, err := Decode[IncidentData](inc)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(c.Hazards, d.Hazard) {
		return nil, invalid("checklist", "%s is not for a %s incident", code, d.Hazard)
	}
	if assigneeOrg == "" {
		assigneeOrg = p.Org.ID
	}
	if c.Title[lang] == "" {
		lang = "en"
	}
	now := s.Clock.Now()
	var tasks []store.OpsRecord
	err = s.Store.WithTx(ctx, func(tx store.Tx) error {
		if _, err := tx.Orgs().Get(ctx, assigneeOrg); err != nil {
			return invalid("assignee_org", "no organisation %s", assigneeOrg)
		}
		for _, st := range c.Steps {
			td := TaskData{AssigneeOrg: assigneeOrg, Due: now.Add(time.Duration(st.DueHours) * time.Hour).UTC(), Checklist: c.Code, Step: st.Key}
			data, err := json.Marshal(td)
			if err != nil {
				return err
			}
			rec := store.OpsRecord{Kind: store.OpsTask, OrgID: p.Org.ID, IncidentID: incidentID, Status: "open", Title: st.Title[lang], Data: data}
			if err := tx.OpsRecords().Create(ctx, &rec); err != nil {
				return err
			}
			if err := tx.OpsRecords().Share(ctx, rec.ID, assigneeOrg); err != nil {
				return err
			}
			tasks = append(tasks, rec)
		}
		return record(ctx, tx, p, "checklist.applied", "incident", incidentID, nil, map[string]any{"checklist": code, "tasks": len(tasks)})
	})
	return tasks, err
}
