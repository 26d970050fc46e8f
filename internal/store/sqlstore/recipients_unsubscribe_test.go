package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/store/sqlstore/sqltest"
)

// TestRecipientsByAddressUseAnIndex: SMS STOP, unsubscribe and push renewal find recipients by
// the indexes of migration 0010, not by reading every recipient of the mode; an endpoint longer
// than the indexed prefix is still stored and found.
func TestRecipientsByAddressUseAnIndex(t *testing.T) {
	for _, b := range sqltest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			db := sqltest.Open(t, b.URL(t), "pk-test", clock.System{})
			long := "https://push.example/send/" + strings.Repeat("x", 4000)
			r := store.Recipient{Name: "long endpoint", WebhookURL: long, WebhookSecret: "k.a", Channels: []store.Channel{store.ChannelPush}, Confirmed: true}
			if err := db.Recipients().Create(ctx, &r); err != nil {
				t.Fatal(err)
			}
			if got, err := db.Recipients().ByAddress(ctx, store.ChannelPush, long); err != nil || len(got) != 1 || got[0].ID != r.ID {
				t.Fatalf("by a 4 kB endpoint: %+v, %v", got, err)
			}
			if got, _ := db.Recipients().ByAddress(ctx, store.ChannelPush, long[:250]); len(got) != 0 {
				t.Fatalf("an endpoint sharing the indexed prefix matched: %+v", got)
			}
			for ch, index := range map[store.Channel]string{store.ChannelSMS: "recipients_phone", store.ChannelEmail: "recipients_email",
				store.ChannelPush: "recipients_endpoint", store.ChannelWebhook: "recipients_endpoint"} {
				plan, err := db.PlanByAddressForTest(ctx, ch, "+923001234567")
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(plan, index) || strings.Contains(plan, "SCAN recipients") || strings.Contains(plan, "Seq Scan") {
					t.Errorf("%s: the plan does not use %s:\n%s", ch, index, plan)
				}
				t.Logf("%s:\n%s", ch, plan)
			}
		})
	}
}
