package cap

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestCheckBase64(t *testing.T) {
	for _, s := range []string{"", "QQ==", "QUI=", "QUJD", "QUJD\nREVG", " QU JD ", "SGVsbG8sIHdvcmxkIQ=="} {
		if err := checkBase64(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
		if _, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), "")); err != nil {
			t.Errorf("stdlib disagrees on %q", s)
		}
	}
	for _, s := range []string{"Q", "QQ=", "QQ===", "Q=Q=", "!!!!", "QUJD-", "QQ==QQ=="} {
		if err := checkBase64(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}
