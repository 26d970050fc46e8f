package hazard

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/dispatch"
	"github.com/taawun/taawun/internal/store"
)

type mailbox struct {
	mu   sync.Mutex
	sent []dispatch.Message
}

func (m *mailbox) Send(_ context.Context, msg dispatch.Message) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, msg)
	return false, nil
}

// TestMailerTellsDutyOfficers: the organisation's duty officers with an e-mail address get the
// draft's headline, in their language, with a link to it; other roles and other organisations
// get nothing, and a node without an e-mail channel sends nothing and does not fail.
func TestMailerTellsDutyOfficers(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ndma := f.orgs["NDMA"]
	for _, u := range []store.User{
		{Username: "neoc.ur", Email: "neoc@ndma.gov.pk", OrgID: ndma.ID, Role: auth.RoleDutyOfficer, Language: "ur", PasswordHash: "x"},
		{Username: "approver.mail", Email: "approver@ndma.gov.pk", OrgID: ndma.ID, Role: auth.RoleApprover, PasswordHash: "x"},
		{Username: "punjab.duty", Email: "duty@pdma.punjab.gov.pk", OrgID: f.orgs["PDMA Punjab"].ID, Role: auth.RoleDutyOfficer, PasswordHash: "x"},
	} {
		if err := f.db.Users().Create(ctx, &u); err != nil {
			t.Fatal(err)
		}
	}
	box := &mailbox{}
	d := dispatch.New()
	if err := d.AddLive(string(store.ChannelEmail), box); err != nil {
		t.Fatal(err)
	}
	m := &Mailer{Store: f.db, Dispatcher: d, Catalog: catalogOnce, BaseURL: "https://neoc.example"}
	c := alert.Content{Texts: map[string]alert.Text{"en": {Headline: "Earthquake", Description: "d"}, "ur": {Headline: "زلزلہ", Description: "تفصیل"}}}
	m.Notify(ctx, ndma, "alert-1", c)
	if len(box.sent) != 1 {
		t.Fatalf("sent %d e-mails, want 1 (the NDMA duty officer)", len(box.sent))
	}
	msg := box.sent[0]
	if msg.Recipient != "neoc@ndma.gov.pk" || msg.Language != "ur" || !strings.Contains(msg.Subject, "زلزلہ") ||
		!strings.Contains(string(msg.Body), "https://neoc.example/warnings/alert-1") {
		t.Fatalf("e-mail %+v", msg)
	}
	// Without an e-mail channel: nothing, no panic.
	(&Mailer{Store: f.db, Dispatcher: dispatch.New(), Catalog: catalogOnce}).Notify(ctx, ndma, "alert-1", c)
}
