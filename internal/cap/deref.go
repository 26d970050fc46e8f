package cap

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
)

// derefConsistent checks that the decoded derefUri has the declared size
// and SHA-1 digest (CAP 1.2 section 3.2.3).
func (c *checker) derefConsistent(p string, r *Resource) {
	m := &r.Meta
	wantSize, sizeErr := strconv.ParseInt(strings.TrimSpace(r.Size), 10, 64)
	wantDigest := strings.ToLower(strings.TrimSpace(r.Digest))
	if (r.Size == "" || sizeErr != nil) && !digestRE.MatchString(wantDigest) {
		return
	}
	data, err := base64.StdEncoding.DecodeString(stripSpace(r.DerefURI))
	if err != nil {
		return // reported by checkBase64
	}
	if r.Size != "" && sizeErr == nil && int64(len(data)) != wantSize {
		c.add(RuleDeref, SevError, p+"/size", m.FieldPos("size", 0), "<size> %d but <derefUri> holds %d bytes", wantSize, len(data))
	}
	if digestRE.MatchString(wantDigest) {
		sum := sha1.Sum(data)
		if got := hex.EncodeToString(sum[:]); got != wantDigest {
			c.add(RuleDeref, SevError, p+"/digest", m.FieldPos("digest", 0), "<digest> %s but the SHA-1 of <derefUri> is %s", wantDigest, got)
		}
	}
}

// stripSpace removes the white space base64 text may be wrapped with.
func stripSpace(s string) string {
	if !strings.ContainsAny(s, " \t\r\n") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if ch := s[i]; ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n' {
			b.WriteByte(ch)
		}
	}
	return b.String()
}
