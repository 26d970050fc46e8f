package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/taawun/taawun/internal/dissem"
	"github.com/taawun/taawun/internal/store"
)

// maxImportBody bounds a recipients CSV upload: 10 million rows of about 60 bytes.
const maxImportBody = 2 << 30

type recipientsData struct {
	Count  int
	Recent []store.Recipient
	Groups []contactGroupRow
	Orgs   []orgRow
}

// contactGroupRow is a contact group as the recipients page shows it.
type contactGroupRow struct {
	store.ContactGroup
	OrgName string
}

func (s *Server) recipientsPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	d, err := s.recipientsData(r.Context(), rc)
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	s.render(w, r, rc, http.StatusOK, "recipients", pageData{TitleKey: "recipients.title", Nav: "recipients", Data: d})
}

func (s *Server) recipientsData(ctx context.Context, rc *reqCtx) (recipientsData, error) {
	var (
		d   recipientsData
		err error
	)
	if d.Count, err = s.Store.Recipients().Count(ctx); err != nil {
		return d, err
	}
	if d.Recent, err = s.Store.Recipients().Recent(ctx, 50); err != nil {
		return d, err
	}
	if d.Orgs, err = s.scopedOrgs(ctx, rc.P, string(rc.Lang)); err != nil {
		return d, err
	}
	names := map[string]string{}
	for _, o := range d.Orgs {
		names[o.ID] = o.LocalName
	}
	groups, err := s.scopedContactGroups(ctx, rc.P)
	for _, g := range groups {
		d.Groups = append(d.Groups, contactGroupRow{ContactGroup: g, OrgName: names[g.OrgID]})
	}
	return d, err
}

// apiRecipientsImport imports a CSV body (text/csv) as one transaction; see dissem.ImportCSV.
// The upload is read as it arrives, so the browser's upload progress is the import's progress.
func (s *Server) apiRecipientsImport(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		writeProblem(w, http.StatusUnsupportedMediaType, "send the file as text/csv")
		return
	}
	ctx := dissem.WithActor(r.Context(), rc.P.User.ID)
	res, err := dissem.ImportCSV(ctx, s.Store, r.Body, nil)
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, dissem.ErrImportRejected):
		writeJSONStatus(w, http.StatusUnprocessableEntity, map[string]any{
			"type": "about:blank", "title": "Unprocessable Entity", "status": 422,
			"detail": "nothing was imported: " + strconv.Itoa(res.ErrorCount) + " of " + strconv.Itoa(res.Rows) + " rows have errors", "result": res,
		}, "application/problem+json")
	case errors.As(err, &tooBig):
		writeProblem(w, http.StatusRequestEntityTooLarge, "file larger than the import limit; nothing was imported")
	case err != nil && strings.HasPrefix(err.Error(), "dissem: import:"):
		writeProblem(w, http.StatusUnprocessableEntity, strings.TrimPrefix(err.Error(), "dissem: import: ")+"; nothing was imported")
	case err != nil:
		s.apiInternal(w, r, err)
	default:
		writeJSON(w, http.StatusOK, res)
	}
}

type recipientInput struct {
	Name      string  `json:"name"`
	Language  string  `json:"language"`
	Phone     string  `json:"phone"`
	Email     string  `json:"email"`
	Lat       float64 `json:"lat"`
	Lon       float64 `json:"lon"`
	Label     string  `json:"label"`
	Webhook   string  `json:"webhook_url"`
	Secret    string  `json:"webhook_secret"`
	Broadcast bool    `json:"broadcast"`
	Test      bool    `json:"test"`
	// OrgID makes the recipient an official of that organisation, reached through contact
	// groups; an official needs no location.
	OrgID string `json:"org_id"`

	// Push is a browser's Web Push subscription (PushSubscription.toJSON's endpoint and keys).
	Push *dissem.PushSubscription `json:"push"`
}

func (s *Server) apiRecipientsCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in recipientInput
	if !decodeJSON(w, r, &in) {
		return
	}
	rcp := store.Recipient{Name: in.Name, Language: in.Language, Phone: in.Phone, Email: in.Email, WebhookURL: in.Webhook, WebhookSecret: in.Secret,
		Broadcast: in.Broadcast, Test: in.Test, Confirmed: true, OrgID: in.OrgID}
	if in.OrgID != "" && !rc.P.InScope(in.OrgID) {
		writeProblemField(w, http.StatusForbidden, "org_id is not an organisation you act in", "org_id")
		return
	}
	if in.Phone != "" {
		if !dissem.ValidPhone(in.Phone) {
			writeProblemField(w, http.StatusUnprocessableEntity, "phone must be an international number such as +923001234567", "phone")
			return
		}
		rcp.Channels = append(rcp.Channels, store.ChannelSMS)
	}
	if in.Email != "" {
		if !dissem.ValidEmail(in.Email) {
			writeProblemField(w, http.StatusUnprocessableEntity, "email is not an e-mail address", "email")
			return
		}
		rcp.Channels = append(rcp.Channels, store.ChannelEmail)
	}
	if in.Webhook != "" {
		if !strings.HasPrefix(in.Webhook, "https://") && !strings.HasPrefix(in.Webhook, "http://") {
			writeProblemField(w, http.StatusUnprocessableEntity, "webhook_url must be an http(s) URL", "webhook_url")
			return
		}
		rcp.Channels = append(rcp.Channels, store.ChannelWebhook)
	}
	if in.Push != nil {
		if err := in.Push.Check(); err != nil {
			writeProblemField(w, http.StatusUnprocessableEntity, err.Error(), "push")
			return
		}
		if in.Webhook != "" {
			writeProblemField(w, http.StatusUnprocessableEntity, "a recipient has a webhook_url or a push subscription, not both", "push")
			return
		}
		in.Push.Apply(&rcp)
	}
	// Broadcast recipients get every warning, and an official may have no place of their own
	// (contact groups reach them); everyone else needs a location.
	officialWithoutPlace := in.OrgID != "" && in.Lat == 0 && in.Lon == 0
	if !in.Broadcast && !officialWithoutPlace {
		if in.Lat < -90 || in.Lat > 90 || in.Lon < -180 || in.Lon > 180 || (in.Lat == 0 && in.Lon == 0) {
			writeProblemField(w, http.StatusUnprocessableEntity, "lat and lon must give the recipient's location", "lat")
			return
		}
		rcp.Locations = []store.Location{{Label: in.Label, Lat: in.Lat, Lon: in.Lon}}
	}
	err := s.Store.WithTx(r.Context(), func(tx store.Tx) error {
		if err := tx.Recipients().Create(r.Context(), &rcp); err != nil {
			return err
		}
		return tx.Record(r.Context(), store.Change{Actor: rc.P.User.ID, OrgID: rc.P.Org.ID, Action: "recipient.created", EntityType: "recipient",
			EntityID: rcp.ID, After: map[string]any{"name": rcp.Name, "channels": rcp.Channels, "broadcast": rcp.Broadcast, "org_id": rcp.OrgID}})
	})
	if errors.Is(err, store.ErrInvalidRecord) {
		writeProblemField(w, http.StatusUnprocessableEntity, "give a phone, an e-mail address, a webhook URL or a push subscription", "phone")
		return
	}
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": rcp.ID, "channels": rcp.Channels})
}
